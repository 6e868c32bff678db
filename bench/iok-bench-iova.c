// SPDX-License-Identifier: MIT
/*
 * iok-bench-iova: IOVA allocate+free pairs of libiommukit's allocator
 * against a LIFO free-list baseline running the same operation stream.
 *
 * Cells: 64, 1k and 16k ranges outstanding, the oldest (FIFO) or a random
 * one freed before each allocation, sizes of 1 page, powers of two from 1
 * to 16 pages, or 1 to 64 pages; and a 32-bit space (the x86 MSI window
 * reserved) filled to 99.5% with each size mix (or as far as alignment
 * lets mixed sizes go), random frees, each freed range replaced by one of
 * its size so that the space stays that full. A pair is one free and one
 * allocation. The library allocates top-down below a
 * limit (48-bit, or 32-bit for the full space) with size alignment, as
 * dma-iommu asks it to.
 *
 * The baseline is the least an allocator can do: a LIFO stack of free
 * frames per exact size, and a bump pointer when it is empty; no limit,
 * no check of the handle, no coalescing, no way back to a shared pool.
 *
 * As in iok-bench-pgtable, every run times both on the same stream in
 * alternating order, the figure is the median of the per-run ratios, and
 * --callgrind adds instruction counts. The "tree" rows repeat each cell
 * with the caches off: every allocation and free goes through the AVL
 * tree, to show that no cell falls off a linear cliff there either (not a
 * target: no cache is the slow path by design).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommukit/dma.h>

#include "config.h"
#include "bench/stats.h"

#define MAX_RUNS	BENCH_MAX_RUNS
#define NOINLINE	__attribute__((noinline))
#define LIMIT_48	((1ull << 36) - 1)	/* frames of a 48-bit space */
#define LIMIT_32	((1ull << 20) - 1)
#define MSI_LO		0xfee00ull		/* 0xfee00000 >> 12 */
#define MSI_HI		0xfeeffull
#define FULL_PERMILLE	995
#define MAX_SIZE	64

enum impl { LIB, BASE, NR_IMPLS };
enum order { FIFO, RANDOM };
enum mix { ONE, POW2, ANY };

static const char *const order_names[] = { "fifo", "random" };
static const char *const mix_names[] = { "1", "pow2", "1-64" };

/* ---- the baseline: LIFO stacks per size, and a bump pointer ------------ */

struct lifo {
	uint64_t *stack[MAX_SIZE + 1];
	size_t n[MAX_SIZE + 1], cap[MAX_SIZE + 1];
	uint64_t top;
};

static void *xrealloc(void *p, size_t sz)
{
	p = realloc(p, sz);
	if (!p) {
		fprintf(stderr, "iok-bench-iova: out of memory\n");
		exit(1);
	}
	return p;
}

static inline uint64_t lifo_alloc(struct lifo *l, unsigned int s)
{
	if (l->n[s])
		return l->stack[s][--l->n[s]];
	l->top -= s;
	return l->top;
}

static inline void lifo_free(struct lifo *l, uint64_t pfn, unsigned int s)
{
	if (__builtin_expect(l->n[s] == l->cap[s], 0)) {
		l->cap[s] = l->cap[s] ? l->cap[s] * 2 : 1024;
		l->stack[s] = xrealloc(l->stack[s], l->cap[s] * sizeof(uint64_t));
	}
	l->stack[s][l->n[s]++] = pfn;
}

/* ---- cells --------------------------------------------------------------- */

struct cell {
	char name[40];
	unsigned int depth;	/* ranges outstanding */
	enum order order;
	enum mix mix;
	bool full;		/* the 32-bit space at 99.5% */
	bool tree;		/* caches off */
	bool skip;		/* not measured (--only) */
	size_t pairs;
	uint8_t *size;		/* per pair: pages to allocate */
	uint32_t *idx;		/* per pair: slot to free and refill */
	uint64_t limit;
	struct iok_iovad *iovad;
	struct iok_iova **lslot;
	struct lifo lifo;
	uint64_t *bslot;
	uint8_t *bsize;
	struct samples t[NR_IMPLS];
	double ratio[MAX_RUNS];
	double ir[NR_IMPLS];	/* instructions per pair, -1 unknown */
	uint64_t hits0, allocs0;	/* cache counters before the timed runs */
	double hit_rate;
	uint64_t failures;	/* allocations that found no room (full space) */
};

struct opts {
	bool json;
	bool callgrind;
	bool no_tree;
	int cg_cell;		/* the valgrind child: which cell, else -1 */
	const char *only;	/* measure only the cells whose name contains it */
	unsigned int runs;
	uint64_t seed;
};

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p) {
		fprintf(stderr, "iok-bench-iova: out of memory\n");
		exit(1);
	}
	return p;
}

static unsigned int draw_size(enum mix mix)
{
	switch (mix) {
	case ONE:
		return 1;
	case POW2:
		return 1u << (rnd() % 5);
	default:
		return 1 + rnd() % MAX_SIZE;
	}
}

static uint64_t rounded(unsigned int s)
{
	return s < IOK_IOVA_ROUND_LIMIT && (s & (s - 1)) ? 1ull << (64 - __builtin_clzll(s)) : s;
}

/* Fill: @c->depth ranges, or the 32-bit space to FULL_PERMILLE. */
static int cell_fill(struct cell *c)
{
	uint64_t space = LIMIT_32 - (MSI_HI - MSI_LO + 1), used = 0;
	unsigned int n = 0, cap = c->full ? 1u << 21 : c->depth;
	uint8_t *sizes = xcalloc(cap, 1);

	/* The sizes of the outstanding set come from the stream's seed too. */
	while (n < cap) {
		unsigned int s = draw_size(c->mix);

		if (c->full && (used + rounded(s)) * 1000 > space * FULL_PERMILLE)
			break;
		sizes[n++] = s;
		used += rounded(s);
	}
	c->depth = n;
	c->lslot = xcalloc(n, sizeof(*c->lslot));
	c->bslot = xcalloc(n, sizeof(*c->bslot));
	c->bsize = xcalloc(n, 1);
	for (unsigned int i = 0; i < n; i++) {
		/* Alignment wastes room between mixed sizes: full is where it fails. */
		if (iok_iova_alloc(c->iovad, sizes[i], c->limit, true, &c->lslot[i])) {
			if (!c->full || !i) {
				free(sizes);
				return -ENOSPC;
			}
			n = c->depth = i;
			break;
		}
		c->bsize[i] = sizes[i];
		c->bslot[i] = lifo_alloc(&c->lifo, sizes[i]);
	}
	free(sizes);
	return 0;
}

static void cell_name(struct cell *c)
{
	snprintf(c->name, sizeof(c->name), "%s%s_%s_%s", c->tree ? "tree_" : "",
		 c->full ? "full32" : c->depth == 64 ? "d64" : c->depth == 1024 ? "d1k" : "d16k",
		 order_names[c->order], mix_names[c->mix]);
}

static int cell_init(struct cell *c)
{
	int rc;

	c->limit = c->full ? LIMIT_32 : LIMIT_48;
	rc = iok_iovad_new(NULL, 4096, 1, c->limit, &c->iovad);
	if (!rc && c->full)
		rc = iok_iovad_reserve(c->iovad, MSI_LO, MSI_HI);
	if (!rc && c->tree)
		rc = iok_iovad_set_rcaches(c->iovad, false);
	if (rc)
		return rc;
	c->lifo.top = c->limit + 1;
	rc = cell_fill(c);
	if (rc)
		return rc;
	c->size = xcalloc(c->pairs, 1);
	c->idx = xcalloc(c->pairs, sizeof(*c->idx));
	for (size_t i = 0; i < c->pairs; i++) {
		c->idx[i] = c->order == FIFO ? i % c->depth : rnd() % c->depth;
		/* Nearly full stays nearly full: a freed range is replaced by one of its size. */
		c->size[i] = c->full ? c->bsize[c->idx[i]] : draw_size(c->mix);
	}
	c->ir[LIB] = c->ir[BASE] = -1;
	return 0;
}

static void cell_free(struct cell *c)
{
	iok_iovad_free(c->iovad);
	for (unsigned int s = 0; s <= MAX_SIZE; s++)
		free(c->lifo.stack[s]);
	free(c->lslot);
	free(c->bslot);
	free(c->bsize);
	free(c->size);
	free(c->idx);
}

/* The timed loops. NOINLINE so that callgrind can name them. */
static NOINLINE int lib_run(struct cell *c)
{
	struct iok_iovad *iovad = c->iovad;

	for (size_t i = 0; i < c->pairs; i++) {
		uint32_t j = c->idx[i];
		int rc;

		/* A slot whose allocation failed (full space only) is empty. */
		if (c->lslot[j] && iok_iova_free(iovad, c->lslot[j]))
			return -1;
		rc = iok_iova_alloc(iovad, c->size[i], c->limit, true, &c->lslot[j]);
		if (rc) {
			if (rc != -ENOSPC || !c->full)
				return -1;
			c->lslot[j] = NULL;
			c->failures++;
		}
	}
	return 0;
}

static NOINLINE int base_run(struct cell *c)
{
	for (size_t i = 0; i < c->pairs; i++) {
		uint32_t j = c->idx[i];

		lifo_free(&c->lifo, c->bslot[j], c->bsize[j]);
		c->bslot[j] = lifo_alloc(&c->lifo, c->size[i]);
		c->bsize[j] = c->size[i];
	}
	return 0;
}

static NOINLINE int cg_lib_run(struct cell *c) { return lib_run(c); }
static NOINLINE int cg_base_run(struct cell *c) { return base_run(c); }

typedef int (*run_fn)(struct cell *c);

static const run_fn run_fns[NR_IMPLS] = { lib_run, base_run };
static const run_fn cg_fns[NR_IMPLS] = { cg_lib_run, cg_base_run };
static const char *const cg_names[NR_IMPLS] = { "cg_lib_run", "cg_base_run" };

/* No two handed-out ranges of the library overlap, and each is aligned. */
static int cell_verify(struct cell *c)
{
	if (iok_iovad_check(c->iovad))
		return -1;
	for (unsigned int i = 0; i < c->depth; i++) {
		uint64_t pfn, pages, align;

		if (!c->lslot[i])
			continue;
		pfn = iok_iova_get_pfn(c->lslot[i]);
		pages = iok_iova_get_pages(c->lslot[i]);
		align = 1ull << (64 - __builtin_clzll(pages) - !(pages & (pages - 1)));

		if (pfn % align || pfn + pages - 1 > c->limit || (pfn <= MSI_HI && pfn + pages > MSI_LO))
			return -1;
	}
	return 0;
}

/* ---- measuring ----------------------------------------------------------- */

#define NR_CELLS_MAX 48

static unsigned int cells_define(struct cell *cells, const struct opts *o)
{
	static const unsigned int depths[] = { 64, 1024, 16384 };
	unsigned int n = 0;

	for (unsigned int tree = 0; tree <= (o->no_tree ? 0u : 1u); tree++) {
		for (unsigned int d = 0; d < 3; d++)
			for (unsigned int ord = FIFO; ord <= RANDOM; ord++)
				for (unsigned int mix = ONE; mix <= ANY; mix++)
					cells[n++] = (struct cell){ .depth = depths[d], .order = ord,
								    .mix = mix, .tree = tree,
								    .pairs = 200000 };
		for (unsigned int mix = ONE; mix <= ANY; mix++)
			cells[n++] = (struct cell){ .order = RANDOM, .mix = mix, .full = true,
						    .tree = tree, .pairs = 200000 };
	}
	/* Each cell keeps its index, hence its stream: a filter only skips. */
	for (unsigned int i = 0; i < n; i++) {
		cell_name(&cells[i]);
		cells[i].skip = o->only && !strstr(cells[i].name, o->only);
	}
	return n;
}

static int setup(struct cell *cells, unsigned int n, const struct opts *o)
{
	for (unsigned int i = 0; i < n; i++) {
		struct cell *c = &cells[i];
		struct iok_iovad_stats st;
		int rc;

		/* Each cell's stream depends on the seed and its index only. */
		rnd_state = o->seed * 1000003 + i;
		if (o->cg_cell >= 0 ? (unsigned int)o->cg_cell != i : c->skip)
			continue;
		rc = cell_init(c);
		if (rc)
			return rc;
		/* A warm-up pass of each: caches and stacks at their working size. */
		if (lib_run(c) || base_run(c) || cell_verify(c))
			return -EIO;
		iok_iovad_get_stats(c->iovad, &st);
		c->hits0 = st.cache_hits;
		c->allocs0 = st.allocs;
		c->failures = 0;
	}
	return 0;
}

static int measure(struct cell *cells, unsigned int n, const struct opts *o)
{
	for (unsigned int r = 0; r < o->runs; r++) {
		for (unsigned int k = 0; k < n; k++) {
			struct cell *c = &cells[(r + k) % n];
			double t[NR_IMPLS];

			if (c->skip)
				continue;
			for (unsigned int m = 0; m < NR_IMPLS; m++) {
				enum impl impl = (r + k + m) % NR_IMPLS;
				double t0 = bench_now();

				if (run_fns[impl](c))
					return -EIO;
				t[impl] = bench_now() - t0;
			}
			for (unsigned int m = 0; m < NR_IMPLS; m++)
				c->t[m].v[c->t[m].n++] = t[m];
			c->ratio[r] = t[LIB] / t[BASE];
		}
	}
	for (unsigned int k = 0; k < n; k++) {
		struct cell *c = &cells[k];
		struct iok_iovad_stats st;

		if (c->skip)
			continue;
		if (cell_verify(c))
			return -EIO;
		iok_iovad_get_stats(c->iovad, &st);
		c->hit_rate = (double)(st.cache_hits - c->hits0) / (double)(st.allocs - c->allocs0);
	}
	return 0;
}

/* ---- callgrind ----------------------------------------------------------- */

static double cg_find(const char *report, const char *fn)
{
	char pat[64];
	const char *p;
	double v = 0;

	snprintf(pat, sizeof(pat), ":%s ", fn);
	p = strstr(report, pat);
	if (!p)
		snprintf(pat, sizeof(pat), ":%s\n", fn), p = strstr(report, pat);
	if (!p)
		return -1;
	while (p > report && p[-1] != '\n')
		p--;
	while (*p == ' ')
		p++;
	for (; (*p >= '0' && *p <= '9') || *p == ','; p++)
		if (*p != ',')
			v = v * 10 + (*p - '0');
	return v;
}

static char *slurp(FILE *f)
{
	size_t len = 0, alloc = 65536;
	char *buf = malloc(alloc);

	if (!buf)
		return NULL;
	for (size_t k; (k = fread(buf + len, 1, alloc - len - 1, f)) > 0;) {
		len += k;
		if (len + 1 == alloc) {
			char *nbuf = realloc(buf, alloc *= 2);

			if (!nbuf) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
		}
	}
	buf[len] = 0;
	return buf;
}

static int cg_measure(struct cell *cells, unsigned int n, const struct opts *o)
{
	char dir[] = "/tmp/iok-bench-iova-XXXXXX", cmd[1024], self[512];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc = 0;

	if (len <= 0 || !mkdtemp(dir))
		return -errno;
	self[len] = 0;
	for (unsigned int i = 0; i < n && !rc; i++) {
		char *report;
		FILE *f;

		if (cells[i].skip)
			continue;
		snprintf(cmd, sizeof(cmd),
			 "valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=cg_*' "
			 "--callgrind-out-file=%s/cg.out -q '%s' --cg-cell %u --seed %" PRIu64
			 "%s && callgrind_annotate --inclusive=yes --threshold=100 %s/cg.out; "
			 "rm -f %s/cg.out", dir, self, i, o->seed, o->no_tree ? " --no-tree" : "",
			 dir, dir);
		f = popen(cmd, "r");
		if (!f) {
			rc = -errno;
			break;
		}
		report = slurp(f);
		if (pclose(f) || !report) {
			free(report);
			rc = -EIO;
			break;
		}
		for (unsigned int m = 0; m < NR_IMPLS; m++) {
			double ir = cg_find(report, cg_names[m]);

			if (ir >= 0)
				cells[i].ir[m] = ir / cells[i].pairs;
		}
		free(report);
	}
	rmdir(dir);
	return rc;
}

/* ---- report -------------------------------------------------------------- */

struct row {
	const struct cell *c;
	double best, med, base_med, ratio, ratio_best;
};

static void row_of(const struct cell *c, struct row *r)
{
	double per = 1e9 / c->pairs;

	r->c = c;
	r->best = bench_best(&c->t[LIB]) * per;
	r->med = bench_median(c->t[LIB].v, c->t[LIB].n) * per;
	r->base_med = bench_median(c->t[BASE].v, c->t[BASE].n) * per;
	r->ratio = bench_median(c->ratio, c->t[LIB].n);
	r->ratio_best = bench_best(&c->t[LIB]) / bench_best(&c->t[BASE]);
}

struct summary {
	double best_med, worst_med, worst_ratio;
	double base_best_med, base_worst_med;	/* the baseline's own spread */
	const char *best_name, *worst_name;
	bool met;
};

/* Targets: each cached cell within 2x of the baseline, worst <= 3x best. */
static struct summary summarize(const struct cell *cells, unsigned int n, bool tree)
{
	struct summary s = { .best_med = 1e30, .base_best_med = 1e30, .met = true };

	for (unsigned int i = 0; i < n; i++) {
		struct row r;

		if (cells[i].tree != tree || cells[i].skip)
			continue;
		row_of(&cells[i], &r);
		if (r.med < s.best_med)
			s.best_med = r.med, s.best_name = cells[i].name;
		if (r.med > s.worst_med)
			s.worst_med = r.med, s.worst_name = cells[i].name;
		if (r.ratio > s.worst_ratio)
			s.worst_ratio = r.ratio;
		if (r.base_med < s.base_best_med)
			s.base_best_med = r.base_med;
		if (r.base_med > s.base_worst_med)
			s.base_worst_med = r.base_med;
	}
	s.met = s.worst_ratio <= 2.0 && s.worst_med <= 3.0 * s.best_med;
	return s;
}

static void ir_text(const struct cell *c, char out[3][16])
{
	strcpy(out[0], "-");
	strcpy(out[1], "-");
	strcpy(out[2], "-");
	if (c->ir[LIB] >= 0 && c->ir[BASE] > 0) {
		snprintf(out[0], 16, "%.0f", c->ir[LIB]);
		snprintf(out[1], 16, "%.0f", c->ir[BASE]);
		snprintf(out[2], 16, "%.2f", c->ir[LIB] / c->ir[BASE]);
	}
}

static void print_human(const struct cell *cells, unsigned int n, const struct opts *o)
{
	printf("iok-bench-iova %s: seed %" PRIu64 ", %u runs of 200k free+alloc pairs per cell,\n"
	       "library and LIFO free-list baseline interleaved on the same stream; ratio =\n"
	       "median of per-run ratios (ratio of bests); Ir = instructions per pair\n\n",
	       IOK_VERSION, o->seed, o->runs);
	for (unsigned int tree = 0; tree <= 1; tree++) {
		struct summary s = summarize(cells, n, tree);
		bool any = false;

		for (unsigned int i = 0; i < n; i++)
			any |= cells[i].tree == tree && !cells[i].skip;
		if (!any)
			continue;
		if (tree)
			printf("\ncaches off (every pair through the AVL tree; not a target):\n");
		printf("%-24s %7s %8s %8s %8s %13s %6s %6s %6s %6s %6s\n", "cell", "depth",
		       "best ns", "med ns", "base ns", "ratio", "hits", "fails", "Ir", "baseIr", "Ir x");
		for (unsigned int i = 0; i < n; i++) {
			const struct cell *c = &cells[i];
			char irs[3][16], ratio[32];
			struct row r;

			if (c->tree != tree || c->skip)
				continue;
			row_of(c, &r);
			ir_text(c, irs);
			snprintf(ratio, sizeof(ratio), "%.2f (%.2f)", r.ratio, r.ratio_best);
			printf("%-24s %7u %8.1f %8.1f %8.1f %13s %5.1f%% %5.1f%% %6s %6s %6s\n",
			       c->name, c->depth, r.best, r.med, r.base_med, ratio, 100 * c->hit_rate,
			       100.0 * c->failures / ((double)c->pairs * o->runs), irs[0], irs[1],
			       irs[2]);
		}
		printf("worst cell / best cell: %.2f (%s %.1f ns / %s %.1f ns; the baseline's own: "
		       "%.2f); worst ratio to baseline %.2f%s\n", s.worst_med / s.best_med,
		       s.worst_name, s.worst_med, s.best_name, s.best_med,
		       s.base_worst_med / s.base_best_med, s.worst_ratio,
		       tree ? "" : s.met ? "  targets met" : "  TARGETS MISSED");
	}
	printf("\ntarget (cached cells): every cell's ratio <= 2, worst / best cell <= 3.\n");
}

static void print_json(const struct cell *cells, unsigned int n, const struct opts *o)
{
	struct summary s = summarize(cells, n, false), t = summarize(cells, n, true);

	printf("{\"bench\":\"iok-bench-iova\",\"version\":\"%s\",\"seed\":%" PRIu64
	       ",\"runs\":%u,\"pairs_per_run\":200000,\"cells\":[", IOK_VERSION, o->seed, o->runs);
	for (unsigned int i = 0, first = 1; i < n; i++) {
		const struct cell *c = &cells[i];
		struct row r;

		if (c->skip)
			continue;
		row_of(c, &r);
		printf("%s{\"cell\":\"%s\",\"caches\":%s,\"depth\":%u,\"free_order\":\"%s\","
		       "\"sizes\":\"%s\",\"space\":\"%s\",\"ns_per_pair\":{\"best\":%.3f,"
		       "\"median\":%.3f},\"baseline_ns_per_pair\":{\"median\":%.3f},"
		       "\"ratio\":{\"median\":%.3f,\"best\":%.3f},\"cache_hit_rate\":%.4f,"
		       "\"failed_allocs\":%" PRIu64 ",",
		       first ? "" : ",", c->name, c->tree ? "false" : "true", c->depth,
		       order_names[c->order], mix_names[c->mix], c->full ? "32bit_99.5pct" : "48bit",
		       r.best, r.med, r.base_med, r.ratio, r.ratio_best, c->hit_rate, c->failures);
		if (c->ir[LIB] >= 0 && c->ir[BASE] > 0)
			printf("\"ir_per_pair\":%.1f,\"baseline_ir_per_pair\":%.1f,\"ir_ratio\":%.3f",
			       c->ir[LIB], c->ir[BASE], c->ir[LIB] / c->ir[BASE]);
		else
			printf("\"ir_per_pair\":null,\"baseline_ir_per_pair\":null,\"ir_ratio\":null");
		printf(",\"target_met\":%s}", c->tree ? "null" :
		       r.ratio <= 2.0 && r.med <= 3.0 * s.best_med ? "true" : "false");
		first = 0;
	}
	printf("],\"worst_over_best\":%.3f,\"baseline_worst_over_best\":%.3f,"
	       "\"worst_ratio\":%.3f,", s.worst_med / s.best_med,
	       s.base_worst_med / s.base_best_med, s.worst_ratio);
	if (t.best_name)
		printf("\"tree_worst_over_best\":%.3f,\"tree_worst_ratio\":%.3f,",
		       t.worst_med / t.best_med, t.worst_ratio);
	printf("\"targets_met\":%s}\n", s.met ? "true" : "false");
}

/* ---- options ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: iok-bench-iova [--json] [--callgrind] [--runs N] [--seed N] [--no-tree]\n"
		"Time IOVA allocate+free pairs against a LIFO free-list baseline.\n"
		"  --json         one JSON object instead of the table\n"
		"  --callgrind    also count instructions per pair under valgrind's callgrind\n"
		"  --runs N       runs per cell (default 11)\n"
		"  --seed N       operation-stream seed (default 1)\n"
		"  --no-tree      skip the rows with the caches off\n"
		"  --only TEXT    only the cells whose name contains TEXT\n");
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "callgrind", no_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "no-tree", no_argument, NULL, 'n' },
		{ "only", required_argument, NULL, 'o' },
		{ "cg-cell", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .runs = 11, .seed = 1, .cg_cell = -1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'c':
			o->callgrind = true;
			break;
		case 'r':
			o->runs = strtoul(optarg, NULL, 10);
			if (!o->runs || o->runs > MAX_RUNS)
				return -EINVAL;
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			o->no_tree = true;
			break;
		case 'o':
			o->only = optarg;
			break;
		case 'w':
			o->cg_cell = strtol(optarg, NULL, 10);
			if (o->cg_cell < 0 || o->cg_cell >= NR_CELLS_MAX)
				return -EINVAL;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	static struct cell cells[NR_CELLS_MAX];
	unsigned int n;
	struct opts o;
	int rc;

	if (parse_opts(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	n = cells_define(cells, &o);
	if (o.cg_cell >= (int)n) {
		usage(stderr);
		return 2;
	}
	rc = setup(cells, n, &o);
	if (!rc && o.cg_cell >= 0) {
		struct cell *c = &cells[o.cg_cell];

		rc = cg_fns[LIB](c) || cg_fns[BASE](c) ? -EIO : 0;
	} else if (!rc) {
		rc = measure(cells, n, &o);
	}
	if (!rc && o.cg_cell < 0 && o.callgrind && cg_measure(cells, n, &o))
		fprintf(stderr, "iok-bench-iova: callgrind failed; is valgrind installed?\n");
	if (!rc && o.cg_cell < 0) {
		if (o.json)
			print_json(cells, n, &o);
		else
			print_human(cells, n, &o);
	}
	if (rc)
		fprintf(stderr, "iok-bench-iova: %s\n", rc == -EIO ?
			"an allocation failed or a check broke" : strerror(-rc));
	for (unsigned int i = 0; i < n; i++)
		cell_free(&cells[i]);
	return rc ? 1 : 0;
}
