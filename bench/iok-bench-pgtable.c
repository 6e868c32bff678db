// SPDX-License-Identifier: MIT
/*
 * iok-bench-pgtable: the cost of libiommukit's I/O page tables per page,
 * against a bare four-level radix table doing the same operation stream.
 *
 * Rows: map and unmap 1 GiB as 4 KiB pages one call per page and 512 per
 * call, 512 x 2 MiB and 512 x 1 GiB pages one per call, and iova_to_phys
 * at random addresses of 1 GiB mapped as 4 KiB pages.
 *
 * The machine is shared and noisy (absolute times move by 40% between
 * runs), so the result is the ratio: every run times the baseline and the
 * library on the same seeded stream (same IOVAs, same output addresses, same
 * lookups), in alternating order, and the ratio is the median of the
 * ratios within a run. --callgrind adds instruction counts from valgrind
 * --tool=callgrind, which do not move.
 *
 * The baseline is what a page table must at least do: walk four levels
 * (allocating tables on the way when mapping) and write or read the
 * entries; no argument checks, no overlap checks, and tables are never
 * freed. The library also checks its arguments and the entries it
 * overwrites, keeps entry counts and frees tables that empty.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <iommukit/pgtable.h>

#include "config.h"
#include "bench/harness.h"

#define SZ_4K		0x1000ull
#define SZ_2M		0x200000ull
#define SZ_1G		0x40000000ull
#define RW		(IOK_PROT_READ | IOK_PROT_WRITE)

/* ---- the baseline: a bare four-level radix table ------------------------ */

#define RX_ADDR		0x000ffffffffff000ull
#define RX_IDX(va, l)	(((va) >> (12 + 9 * (l))) & 511)

struct radix {
	uint64_t *root;
};

static uint64_t *rx_alloc(void)
{
	uint64_t *t = aligned_alloc(4096, 4096);

	if (!t) {
		fprintf(stderr, "iok-bench-pgtable: out of memory\n");
		exit(1);
	}
	memset(t, 0, 4096);
	return t;
}

static void rx_free(uint64_t *t, unsigned int level)
{
	for (unsigned int i = 0; level && i < 512; i++)
		if (t[i] && !(t[i] & 0x80))
			rx_free((uint64_t *)(uintptr_t)(t[i] & RX_ADDR), level - 1);
	free(t);
}

/* The table at @level for @iova, made on the way when missing. */
static inline uint64_t *rx_walk_alloc(struct radix *r, uint64_t iova, unsigned int level)
{
	uint64_t *t = r->root;

	for (unsigned int l = 3; l > level; l--) {
		uint64_t *e = &t[RX_IDX(iova, l)];

		if (!*e)
			*e = (uintptr_t)rx_alloc() | 0x27;
		t = (uint64_t *)(uintptr_t)(*e & RX_ADDR);
	}
	return t;
}

static inline uint64_t *rx_walk(struct radix *r, uint64_t iova, unsigned int level)
{
	uint64_t *t = r->root;

	for (unsigned int l = 3; l > level; l--)
		t = (uint64_t *)(uintptr_t)(t[RX_IDX(iova, l)] & RX_ADDR);
	return t;
}

/* @n pages within one table, as the stream guarantees. */
static NOINLINE void rx_map_pages(struct radix *r, uint64_t iova, uint64_t paddr,
				  unsigned int level, size_t n, uint64_t bits)
{
	uint64_t *t = rx_walk_alloc(r, iova, level) + RX_IDX(iova, level);
	unsigned int shift = 12 + 9 * level;

	for (size_t i = 0; i < n; i++)
		t[i] = bits | (paddr + (i << shift));
}

static NOINLINE void rx_unmap_pages(struct radix *r, uint64_t iova,
				    unsigned int level, size_t n)
{
	uint64_t *t = rx_walk(r, iova, level) + RX_IDX(iova, level);

	memset(t, 0, n * sizeof(*t));
}

/* Every page of the lookup stream is a 4 KiB page. */
static NOINLINE uint64_t rx_iova_to_phys(struct radix *r, uint64_t iova)
{
	return (rx_walk(r, iova, 0)[RX_IDX(iova, 0)] & RX_ADDR) | (iova & 0xfff);
}

/* A walk that knows large pages, to check the library's answers. */
static int rx_translate(struct radix *r, uint64_t iova, uint64_t *phys)
{
	uint64_t *t = r->root;

	for (int l = 3; l >= 0; l--) {
		uint64_t e = t[RX_IDX(iova, l)], mask = (1ull << (12 + 9 * l)) - 1;

		if (!e)
			return -ENOENT;
		if (!l || (e & 0x80)) {
			*phys = (e & RX_ADDR & ~mask) | (iova & mask);
			return 0;
		}
		t = (uint64_t *)(uintptr_t)(e & RX_ADDR);
	}
	return -ENOENT;
}

/* ---- workloads ----------------------------------------------------------- */

enum op { OP_MAP, OP_UNMAP, OP_LOOKUP, NR_OPS };
enum impl { LIB, BASE, NR_IMPLS };

/* One operation stream: map and unmap its pages, or look them up. */
struct work {
	const char *name;	/* "4k_x1" */
	const char *label;	/* "1 GiB as 4 KiB pages, 1 per call" */
	uint64_t pgsize;
	unsigned int level;
	size_t per_call;	/* pages per map_pages/unmap_pages call */
	size_t pages;
	size_t calls;
	unsigned int reps;	/* map/unmap cycles per timed sample */
	uint64_t iova;		/* start of the stream's range */
	uint64_t *paddr;	/* output address of each call */
	uint64_t *lookups;	/* OP_LOOKUP: the IOVAs */
	struct iok_pgtable *pt;
	struct radix rx;
	struct bench_pair p[NR_OPS];	/* ir: instructions per page */
	uint64_t sum[NR_IMPLS];	/* of lookups, to compare */
};

struct opts {
	struct bench_opts b;	/* b.cg_child: which workload */
	enum iok_pgtable_fmt fmt;
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
		fprintf(stderr, "iok-bench-pgtable: out of memory\n");
		exit(1);
	}
	return p;
}

static int work_init(struct work *w, const struct opts *o, uint64_t pgsize,
		     size_t per_call, size_t pages)
{
	uint64_t span = pgsize * pages, region = span < 512 * SZ_1G ? 512 * SZ_1G : span;
	int rc;

	w->pgsize = pgsize;
	w->level = (__builtin_ctzll(pgsize) - 12) / 9;
	w->per_call = per_call;
	w->pages = pages;
	w->calls = pages / per_call;
	w->reps = pages >= 262144 ? 1 : 262144 / pages;
	/* A random span-aligned range below 2^47, output addresses at random. */
	w->iova = (rnd() % ((1ull << 47) / region)) * region + (rnd() % (region / span)) * span;
	w->paddr = xcalloc(w->calls, sizeof(*w->paddr));
	for (size_t i = 0; i < w->calls; i++)
		w->paddr[i] = (rnd() % ((1ull << 46) / (per_call * pgsize))) * per_call * pgsize;
	rc = iok_pgtable_new(o->fmt, 48, &w->pt);
	if (rc)
		return rc;
	w->rx.root = rx_alloc();
	for (unsigned int op = 0; op < NR_OPS; op++)
		w->p[op].ir[LIB] = w->p[op].ir[BASE] = -1;
	return 0;
}

static void work_free(struct work *w)
{
	iok_pgtable_free(w->pt);
	if (w->rx.root)
		rx_free(w->rx.root, 3);
	free(w->paddr);
	free(w->lookups);
}

/* The timed loops. NOINLINE so that callgrind can name each of them. */
static NOINLINE int lib_map(struct work *w)
{
	uint64_t step = w->per_call * w->pgsize;

	for (size_t i = 0; i < w->calls; i++) {
		size_t mapped = 0;

		if (iok_pgtable_map_pages(w->pt, w->iova + i * step, w->paddr[i],
					  w->pgsize, w->per_call, RW, &mapped))
			return -1;
	}
	return 0;
}

static NOINLINE int lib_unmap(struct work *w)
{
	uint64_t step = w->per_call * w->pgsize;

	for (size_t i = 0; i < w->calls; i++)
		if (iok_pgtable_unmap_pages(w->pt, w->iova + i * step, w->pgsize,
					    w->per_call) != step)
			return -1;
	return 0;
}

static NOINLINE int base_map(struct work *w)
{
	uint64_t step = w->per_call * w->pgsize;
	uint64_t bits = 0x67 | (w->level ? 0x80 : 0);

	for (size_t i = 0; i < w->calls; i++)
		rx_map_pages(&w->rx, w->iova + i * step, w->paddr[i], w->level,
			     w->per_call, bits);
	return 0;
}

static NOINLINE int base_unmap(struct work *w)
{
	uint64_t step = w->per_call * w->pgsize;

	for (size_t i = 0; i < w->calls; i++)
		rx_unmap_pages(&w->rx, w->iova + i * step, w->level, w->per_call);
	return 0;
}

static NOINLINE int lib_lookup(struct work *w)
{
	uint64_t sum = 0, phys;

	for (size_t i = 0; i < w->pages; i++) {
		if (iok_pgtable_iova_to_phys(w->pt, w->lookups[i], &phys))
			return -1;
		sum += phys;
	}
	w->sum[LIB] = sum;
	return 0;
}

static NOINLINE int base_lookup(struct work *w)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < w->pages; i++)
		sum += rx_iova_to_phys(&w->rx, w->lookups[i]);
	w->sum[BASE] = sum;
	return 0;
}

typedef int (*run_fn)(struct work *w);

static const run_fn run_fns[NR_OPS][NR_IMPLS] = {
	[OP_MAP] = { lib_map, base_map },
	[OP_UNMAP] = { lib_unmap, base_unmap },
	[OP_LOOKUP] = { lib_lookup, base_lookup },
};

/*
 * Under callgrind only these count (--toggle-collect=cg_*): one call each,
 * after a warm-up, so that table pages are in place as in the timed runs.
 */
static NOINLINE int cg_lib_map(struct work *w) { return lib_map(w); }
static NOINLINE int cg_lib_unmap(struct work *w) { return lib_unmap(w); }
static NOINLINE int cg_base_map(struct work *w) { return base_map(w); }
static NOINLINE int cg_base_unmap(struct work *w) { return base_unmap(w); }
static NOINLINE int cg_lib_lookup(struct work *w) { return lib_lookup(w); }
static NOINLINE int cg_base_lookup(struct work *w) { return base_lookup(w); }

static const run_fn cg_fns[NR_OPS][NR_IMPLS] = {
	[OP_MAP] = { cg_lib_map, cg_base_map },
	[OP_UNMAP] = { cg_lib_unmap, cg_base_unmap },
	[OP_LOOKUP] = { cg_lib_lookup, cg_base_lookup },
};

static const char *const cg_names[NR_OPS][NR_IMPLS] = {
	[OP_MAP] = { "cg_lib_map", "cg_base_map" },
	[OP_UNMAP] = { "cg_lib_unmap", "cg_base_unmap" },
	[OP_LOOKUP] = { "cg_lib_lookup", "cg_base_lookup" },
};

/* Both implementations translate the same sample of the range alike. */
static int check_same(struct work *w, bool mapped)
{
	uint64_t span = w->pages * w->pgsize;

	for (unsigned int i = 0; i < 4096; i++) {
		uint64_t va = w->iova + rnd() % span, a = 0, b = 0;
		int ra = iok_pgtable_iova_to_phys(w->pt, va, &a);
		int rb = rx_translate(&w->rx, va, &b);

		if (ra != (mapped ? 0 : -ENOENT) || (mapped && (rb || a != b)))
			return -1;
	}
	if (!mapped && iok_pgtable_table_pages(w->pt) != 1)
		return -1;
	return 0;
}

/* One map-then-unmap sample of @impl, each op timed on its own. */
static int cycle(struct work *w, enum impl impl, double *t_map, double *t_unmap)
{
	*t_map = *t_unmap = 0;
	for (unsigned int r = 0; r < w->reps; r++) {
		double t0 = bench_now(), t1, t2;

		if (run_fns[OP_MAP][impl](w))
			return -1;
		t1 = bench_now();
		if (run_fns[OP_UNMAP][impl](w))
			return -1;
		t2 = bench_now();
		*t_map += t1 - t0;
		*t_unmap += t2 - t1;
	}
	return 0;
}

static int measure_mapping(struct work *w, unsigned int run)
{
	double t[NR_OPS][NR_IMPLS];

	/* Alternate which goes first, so neither always meets a warm cache. */
	for (unsigned int k = 0; k < NR_IMPLS; k++) {
		enum impl impl = (run + k) % NR_IMPLS;

		if (cycle(w, impl, &t[OP_MAP][impl], &t[OP_UNMAP][impl]))
			return -1;
	}
	for (unsigned int op = OP_MAP; op <= OP_UNMAP; op++)
		bench_pair_add(&w->p[op], t[op][LIB], t[op][BASE]);
	return 0;
}

static int lookup_one(void *arg, unsigned int impl)
{
	return run_fns[OP_LOOKUP][impl](arg);
}

static int measure_lookup(struct work *w, unsigned int run)
{
	double t[NR_IMPLS];

	if (bench_interleave(NR_IMPLS, run, lookup_one, w, t) || w->sum[LIB] != w->sum[BASE])
		return -1;
	bench_pair_add(&w->p[OP_LOOKUP], t[LIB], t[BASE]);
	return 0;
}

#define NR_WORK 5
#define W_LOOKUP 4

static int setup(struct work *works, const struct opts *o)
{
	static const struct {
		const char *name, *label;
		uint64_t pgsize;
		size_t per_call, pages;
	} defs[NR_WORK] = {
		{ "4k_x1", "1 GiB as 4 KiB pages, 1 per call", SZ_4K, 1, 262144 },
		{ "4k_x512", "1 GiB as 4 KiB pages, 512 per call", SZ_4K, 512, 262144 },
		{ "2m_x1", "1 GiB as 2 MiB pages, 1 per call", SZ_2M, 1, 512 },
		{ "1g_x1", "512 GiB as 1 GiB pages, 1 per call", SZ_1G, 1, 512 },
		{ "lookup", "iova_to_phys at random in 1 GiB of 4 KiB pages", SZ_4K, 512, 262144 },
	};
	int rc;

	rnd_state = o->b.seed;
	for (unsigned int i = 0; i < NR_WORK; i++) {
		struct work *w = &works[i];

		w->name = defs[i].name;
		w->label = defs[i].label;
		rc = work_init(w, o, defs[i].pgsize, defs[i].per_call, defs[i].pages);
		if (rc)
			return rc;
	}
	/* The lookup stream reads a range that stays mapped. */
	works[W_LOOKUP].lookups = xcalloc(works[W_LOOKUP].pages, sizeof(uint64_t));
	for (size_t i = 0; i < works[W_LOOKUP].pages; i++)
		works[W_LOOKUP].lookups[i] = works[W_LOOKUP].iova + rnd() % (1ull << 30);
	if (lib_map(&works[W_LOOKUP]) || base_map(&works[W_LOOKUP]) ||
	    check_same(&works[W_LOOKUP], true))
		return -EIO;
	/* A first cycle each: tables allocated, results compared. */
	for (unsigned int i = 0; i < W_LOOKUP; i++) {
		struct work *w = &works[i];

		if (lib_map(w) || base_map(w) || check_same(w, true) ||
		    lib_unmap(w) || base_unmap(w) || check_same(w, false))
			return -EIO;
	}
	return 0;
}

static int measure(struct work *works, const struct opts *o)
{
	for (unsigned int r = 0; r < o->b.runs; r++) {
		for (unsigned int k = 0; k < NR_WORK; k++) {
			struct work *w = &works[(r + k) % NR_WORK];
			int rc = w->lookups ? measure_lookup(w, r) : measure_mapping(w, r);

			if (rc)
				return -EIO;
		}
	}
	return 0;
}

/* ---- callgrind --------------------------------------------------------- */

/* The child under valgrind: one workload, each op once, after a warm-up. */
static int callgrind_child(struct work *works, const struct opts *o)
{
	struct work *w = &works[o->b.cg_child];

	if (o->b.cg_child == W_LOOKUP)
		return cg_fns[OP_LOOKUP][LIB](w) || cg_fns[OP_LOOKUP][BASE](w) ? 1 : 0;
	for (unsigned int impl = 0; impl < NR_IMPLS; impl++)
		if (cg_fns[OP_MAP][impl](w) || cg_fns[OP_UNMAP][impl](w))
			return 1;
	return 0;
}

static void cg_got(void *arg, unsigned int i, const char *report)
{
	struct work *w = (struct work *)arg + i;

	for (unsigned int op = 0; op < NR_OPS; op++)
		bench_cg_ir(report, cg_names[op], NR_IMPLS, w->pages, w->p[op].ir);
}

static const char *fmt_arg(enum iok_pgtable_fmt fmt)
{
	return fmt == IOK_PGTABLE_X86_64 ? "x86" : "arm";
}

/* Run each workload under callgrind and read each timed function's count. */
static int cg_measure(struct work *works, const struct opts *o)
{
	char args[32];

	snprintf(args, sizeof(args), " --format %s", fmt_arg(o->fmt));
	return bench_callgrind(&(struct bench_cg){ .prog = "iok-bench-pgtable",
		.cg_opt = "cg-work", .n = NR_WORK, .seed = o->b.seed, .args = args,
		.got = cg_got, .arg = works });
}

/* ---- report ------------------------------------------------------------ */

static const char *const op_names[NR_OPS] = { "map", "unmap", "iova_to_phys" };

/* Pages of one sample: the reps of a cycle count as pages too. */
static double pages_per_sample(const struct work *w)
{
	return (double)w->pages * (w->lookups ? 1 : w->reps);
}

struct row {
	const struct work *w;
	enum op op;
	struct bench_fig f;
	bool batched, met;
};

static unsigned int rows(const struct work *works, struct row *out)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NR_WORK; i++) {
		const struct work *w = &works[i];

		for (unsigned int op = 0; op < NR_OPS; op++) {
			struct row *r = &out[n];

			if (!w->p[op].t[LIB].n)
				continue;
			r->w = w;
			r->op = op;
			bench_fig_of(&w->p[op], 1e9, pages_per_sample(w), &r->f);
			r->batched = w->per_call > 1 && !w->lookups;
			r->met = r->f.ratio <= 1.5 && (!r->batched || r->f.med <= 1.5);
			n++;
		}
	}
	return n;
}

static void print_human(const struct work *works, const struct opts *o)
{
	struct row rs[NR_WORK * NR_OPS];
	unsigned int n = rows(works, rs);

	printf("iok-bench-pgtable %s: %s format, seed %" PRIu64 ", %u runs, library and\n"
	       "baseline interleaved on the same stream; ratio = median of per-run ratios\n"
	       "(ratio of bests); Ir = instructions per page under callgrind\n\n",
	       IOK_VERSION, o->fmt == IOK_PGTABLE_X86_64 ? "x86-64" : "ARM LPAE S1",
	       o->b.seed, o->b.runs);
	printf("%-13s %-8s %9s %9s %9s %13s %7s %7s %6s  %s\n", "op", "stream", "best ns",
	       "med ns", "base ns", "ratio", "Ir", "base Ir", "Ir x", "target");
	for (unsigned int i = 0; i < n; i++) {
		const struct row *r = &rs[i];
		char irs[3][16], ratio[24];

		bench_ir_text(r->w->p[r->op].ir, 1, irs);
		bench_ratio_text(ratio, sizeof(ratio), &r->f);
		printf("%-13s %-8s %9.2f %9.2f %9.2f %13s %7s %7s %6s  %s\n", op_names[r->op],
		       r->w->name, r->f.best, r->f.med, r->f.base_med, ratio, irs[0], irs[1],
		       irs[2], r->met ? "met" : "MISSED");
	}
	printf("\nstreams:");
	for (unsigned int i = 0; i < NR_WORK; i++)
		bench_print_item(i, works[i].name, works[i].label);
	printf(".\ntarget: ratio <= 1.5 on every row, and <= 1.5 ns per page batched.\n");
}

static void print_json(const struct work *works, const struct opts *o)
{
	struct row rs[NR_WORK * NR_OPS];
	unsigned int n = rows(works, rs);
	bool all = true;

	printf("{\"bench\":\"iok-bench-pgtable\",\"version\":\"%s\",\"format\":\"%s\","
	       "\"seed\":%" PRIu64 ",\"runs\":%u,\"rows\":[", IOK_VERSION,
	       o->fmt == IOK_PGTABLE_X86_64 ? "x86_64" : "arm_lpae_s1", o->b.seed, o->b.runs);
	for (unsigned int i = 0; i < n; i++) {
		const struct row *r = &rs[i];

		all &= r->met;
		printf("%s{\"op\":\"%s\",\"stream\":\"%s\",\"pages\":%zu,\"pages_per_call\":%zu,",
		       i ? "," : "", op_names[r->op], r->w->name, r->w->pages,
		       r->w->lookups ? 1 : r->w->per_call);
		bench_json_fig("page", &r->f);
		printf(",");
		bench_json_ir("page", 2, r->w->p[r->op].ir);
		printf(",\"target_met\":%s}", r->met ? "true" : "false");
	}
	printf("],\"targets_met\":%s}\n", all ? "true" : "false");
}

/* ---- options ----------------------------------------------------------- */

static const char usage[] =
	"Usage: iok-bench-pgtable [--json] [--callgrind] [--runs N] [--seed N] [--format x86|arm]\n"
	"Time I/O page-table map, unmap and iova_to_phys against a bare radix table.\n"
	"  --json         one JSON object instead of the table\n"
	"  --callgrind    also count instructions per page under valgrind's callgrind\n"
	"  --runs N       runs per figure (default 21)\n"
	"  --seed N       operation-stream seed (default 1)\n"
	"  --format F     x86 (x86-64, default) or arm (ARM LPAE stage 1)\n";

static int parse_opt(void *arg, int val, const char *optarg)
{
	struct opts *o = arg;

	if (val != 'f')
		return -EINVAL;
	if (!strcmp(optarg, "x86"))
		o->fmt = IOK_PGTABLE_X86_64;
	else if (!strcmp(optarg, "arm"))
		o->fmt = IOK_PGTABLE_ARM_LPAE_S1;
	else
		return -EINVAL;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "format", required_argument, NULL, 'f' },
		{}
	};
	struct work works[NR_WORK] = {};
	struct opts o = { .fmt = IOK_PGTABLE_X86_64 };
	const struct bench_cli cli = { .usage = usage, .runs = 21, .cg_opt = "cg-work",
		.cg_max = NR_WORK, .extra = extra, .parse = parse_opt, .arg = &o };
	int rc;

	if (bench_parse(&cli, &o.b, argc, argv))
		return 2;
	rc = setup(works, &o);
	if (!rc && o.b.cg_child >= 0)
		rc = callgrind_child(works, &o) ? -EIO : 0;
	else if (!rc)
		rc = measure(works, &o);
	if (!rc && o.b.cg_child < 0 && o.b.callgrind)
		cg_measure(works, &o);
	if (!rc && o.b.cg_child < 0) {
		if (o.b.json)
			print_json(works, &o);
		else
			print_human(works, &o);
	}
	if (rc)
		bench_print_error("iok-bench-pgtable", rc,
				  "the library and the baseline disagree, or a call failed");
	for (unsigned int i = 0; i < NR_WORK; i++)
		work_free(&works[i]);
	return rc ? 1 : 0;
}
