// SPDX-License-Identifier: MIT
/*
 * iok-bench-dma: dma_map_single + dma_unmap_single pairs through
 * libiommukit's DMA API, against the least the same work can cost.
 *
 * Rows: buffers of 1 and 16 pages on a strict (DMA) and a lazy (DMA-FQ)
 * default domain of an Intel IOMMU, a ring of 64 mappings in flight: each
 * pair unmaps the oldest and maps a new buffer at a random physical page.
 * The library does everything the kernel's dma-iommu does (device and
 * domain checks, IOVA allocation, iommu_map() with page-size splitting,
 * the dma-debug record, unmap, the IOTLB invalidation or the flush queue)
 * and the IOTLB of the model is there to invalidate.
 *
 * The baseline is the sum of the two baselines of the other benches run on
 * the same stream: a LIFO free-list IOVA allocator (iok-bench-iova) and a
 * bare four-level radix table (iok-bench-pgtable), mapping and unmapping
 * the same pages. Runs alternate, the figure is the median of the per-run
 * ratios; --callgrind adds instruction counts. The flush-queue rows also
 * report how long an unmapped translation stayed usable: in unmaps queued
 * after it until the flush, and that many pairs in time (the timer bounds
 * it at IOK_DMA_FQ_TIMEOUT_NS when the device goes idle).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommukit/iommukit.h>
#include <iommukit/dma.h>

#include "config.h"
#include "bench/harness.h"

#define MAX_RUNS	BENCH_MAX_RUNS
#define DEPTH		64
#define PAIRS		100000
#define SZ_4K		0x1000ull

enum impl { LIB, BASE, NR_IMPLS };

/* ---- the baseline: LIFO IOVA stacks and a bare radix table ------------- */

#define RX_ADDR		0x000ffffffffff000ull
#define RX_IDX(va, l)	(((va) >> (12 + 9 * (l))) & 511)

static uint64_t *rx_alloc(void)
{
	uint64_t *t = aligned_alloc(4096, 4096);

	if (!t) {
		fprintf(stderr, "iok-bench-dma: out of memory\n");
		exit(1);
	}
	memset(t, 0, 4096);
	return t;
}

static void rx_free(uint64_t *t, unsigned int level)
{
	for (unsigned int i = 0; level && i < 512; i++)
		if (t[i])
			rx_free((uint64_t *)(uintptr_t)(t[i] & RX_ADDR), level - 1);
	free(t);
}

static inline uint64_t *rx_leaf_alloc(uint64_t *root, uint64_t iova)
{
	uint64_t *t = root;

	for (unsigned int l = 3; l > 0; l--) {
		uint64_t *e = &t[RX_IDX(iova, l)];

		if (!*e)
			*e = (uintptr_t)rx_alloc() | 0x27;
		t = (uint64_t *)(uintptr_t)(*e & RX_ADDR);
	}
	return t + RX_IDX(iova, 0);
}

static inline uint64_t *rx_leaf(uint64_t *root, uint64_t iova)
{
	uint64_t *t = root;

	for (unsigned int l = 3; l > 0; l--)
		t = (uint64_t *)(uintptr_t)(t[RX_IDX(iova, l)] & RX_ADDR);
	return t + RX_IDX(iova, 0);
}

struct base {
	uint64_t *root;
	uint64_t *stack;	/* free IOVA frames of the row's one size */
	size_t n, cap;
	uint64_t top;		/* bump pointer, frames */
};

/* ---- rows ----------------------------------------------------------------- */

struct row {
	const char *name;
	unsigned int pages;
	bool strict;
	struct iok_topo *topo;
	struct iok_machine *m;
	struct iok_dma *dma;
	struct iok_dev *dev;
	uint64_t paddr[PAIRS];
	uint64_t ring[DEPTH];	/* library: DMA addresses in flight */
	uint64_t bring[DEPTH];	/* baseline: IOVA frames in flight */
	struct base b;
	struct bench_pair p;	/* ir: instructions per pair */
};

struct opts {
	struct bench_opts b;	/* b.cg_child: which row */
};

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const char topo_json[] =
	"{\"schema\": 1, \"platform\": {\"iommu\": \"intel\", \"kernel\": \"6.19\"}, "
	"\"devices\": [{\"bdf\": \"00:01.0\", \"id\": \"8086:a110\", \"pcie\": \"root_port\", "
	"\"secondary\": \"01\", \"acs\": {\"cap\": \"SV RR CR UF\"}}, "
	"{\"bdf\": \"01:00.0\", \"id\": \"144d:a808\", \"class\": \"010802\", "
	"\"pcie\": \"endpoint\"}]}";

static int row_init(struct row *r, struct iok_ctx *ctx)
{
	int rc;

	rc = iok_topo_load_json_string(ctx, "bench", topo_json, &r->topo);
	if (!rc && r->strict)
		rc = iok_topo_set_param(r->topo, "cmdline", "iommu.strict=1");
	if (!rc)
		rc = iok_machine_new(r->topo, &r->m);
	if (!rc)
		rc = iok_dev_find(r->topo, "01:00.0", &r->dev);
	if (!rc)
		rc = iok_device_bind_driver(r->m, r->dev, "nvme", false);
	if (!rc)
		rc = iok_dma_new(r->m, &r->dma);
	if (!rc)
		rc = iok_dma_set_mask(r->dma, r->dev, UINT64_MAX);
	if (rc)
		return rc;
	/* Buffers at random, size-aligned physical pages below 64 GiB. */
	for (size_t i = 0; i < PAIRS; i++)
		r->paddr[i] = (rnd() % ((64ull << 30) / (r->pages * SZ_4K))) * r->pages * SZ_4K;
	r->b.root = rx_alloc();
	r->b.top = 1ull << 36;
	r->b.cap = 1024;
	r->b.stack = malloc(r->b.cap * sizeof(uint64_t));
	if (!r->b.stack)
		return -ENOMEM;
	for (unsigned int i = 0; i < DEPTH; i++) {
		rc = iok_dma_map_single(r->dma, r->dev, r->paddr[i], r->pages * SZ_4K,
					IOK_DMA_BIDIRECTIONAL, &r->ring[i]);
		if (rc)
			return rc;
		r->b.top -= r->pages;
		r->bring[i] = r->b.top;
		for (unsigned int p = 0; p < r->pages; p++)
			*rx_leaf_alloc(r->b.root, (r->b.top + p) << 12) = r->paddr[i] + p * SZ_4K + 0x67;
	}
	r->p.ir[LIB] = r->p.ir[BASE] = -1;
	return 0;
}

static void row_free(struct row *r)
{
	iok_dma_free(r->dma);
	iok_machine_unref(r->m);
	iok_topo_unref(r->topo);
	if (r->b.root)
		rx_free(r->b.root, 3);
	free(r->b.stack);
}

/* The timed loops, NOINLINE for callgrind. */
static NOINLINE int lib_run(struct row *r)
{
	size_t size = r->pages * SZ_4K;

	for (size_t i = 0; i < PAIRS; i++) {
		uint64_t *slot = &r->ring[i % DEPTH];

		if (iok_dma_unmap_single(r->dma, r->dev, *slot, size, IOK_DMA_BIDIRECTIONAL) ||
		    iok_dma_map_single(r->dma, r->dev, r->paddr[i], size, IOK_DMA_BIDIRECTIONAL,
				       slot))
			return -1;
	}
	return 0;
}

static NOINLINE int base_run(struct row *r)
{
	struct base *b = &r->b;
	unsigned int pages = r->pages;

	for (size_t i = 0; i < PAIRS; i++) {
		uint64_t *slot = &r->bring[i % DEPTH], pfn;
		uint64_t *pte = rx_leaf(b->root, *slot << 12);

		memset(pte, 0, pages * sizeof(*pte));
		if (__builtin_expect(b->n == b->cap, 0)) {
			b->cap *= 2;
			b->stack = realloc(b->stack, b->cap * sizeof(uint64_t));
			if (!b->stack)
				return -1;
		}
		b->stack[b->n++] = *slot;
		pfn = b->n ? b->stack[--b->n] : (b->top -= pages);
		pte = rx_leaf_alloc(b->root, pfn << 12);
		for (unsigned int p = 0; p < pages; p++)
			pte[p] = (r->paddr[i] + p * SZ_4K) | 0x67;
		*slot = pfn;
	}
	return 0;
}

static NOINLINE int cg_lib_run(struct row *r) { return lib_run(r); }
static NOINLINE int cg_base_run(struct row *r) { return base_run(r); }

typedef int (*run_fn)(struct row *r);

static const run_fn run_fns[NR_IMPLS] = { lib_run, base_run };
static const run_fn cg_fns[NR_IMPLS] = { cg_lib_run, cg_base_run };
static const char *const cg_names[NR_IMPLS] = { "cg_lib_run", "cg_base_run" };

/* Every mapping in flight translates to its buffer. */
static int row_verify(struct row *r)
{
	struct iok_domain *d = iok_rgroup_get_default_domain(iok_dev_get_rgroup(r->m, r->dev));
	struct iok_dma_stats st;

	iok_dma_get_stats(r->dma, &st);
	if (st.live != DEPTH || st.warnings)
		return -1;
	for (unsigned int i = 0; i < DEPTH; i++)
		if (!iok_iova_to_phys(d, r->ring[i]) ||
		    iok_iova_to_phys(d, r->ring[i] + (r->pages - 1) * SZ_4K) -
		    iok_iova_to_phys(d, r->ring[i]) != (r->pages - 1) * SZ_4K)
			return -1;
	return 0;
}

#define NR_ROWS 4

static int setup(struct row *rows, struct iok_ctx *ctx, const struct opts *o)
{
	static const struct { const char *name; unsigned int pages; bool strict; } defs[NR_ROWS] = {
		{ "1page_strict", 1, true }, { "1page_fq", 1, false },
		{ "16page_strict", 16, true }, { "16page_fq", 16, false },
	};

	for (unsigned int i = 0; i < NR_ROWS; i++) {
		struct row *r = &rows[i];
		int rc;

		r->name = defs[i].name;
		r->pages = defs[i].pages;
		r->strict = defs[i].strict;
		/* The strict and lazy rows of a size run the same stream. */
		rnd_state = o->b.seed * 1000003 + r->pages;
		if (o->b.cg_child >= 0 && (unsigned int)o->b.cg_child != i)
			continue;
		rc = row_init(r, ctx);
		if (rc)
			return rc;
		if (lib_run(r) || base_run(r) || row_verify(r))
			return -EIO;
	}
	return 0;
}

static int measure(struct row *rows, const struct opts *o, double *sf_ratio)
{
	double sf[2][MAX_RUNS];

	for (unsigned int run = 0; run < o->b.runs; run++) {
		for (unsigned int k = 0; k < NR_ROWS; k++) {
			struct row *r = &rows[(run + k) % NR_ROWS];
			double t[NR_IMPLS];

			for (unsigned int m = 0; m < NR_IMPLS; m++) {
				enum impl impl = (run + k + m) % NR_IMPLS;
				double t0 = bench_now();

				if (run_fns[impl](r))
					return -EIO;
				t[impl] = bench_now() - t0;
			}
			bench_pair_add(&r->p, t[LIB], t[BASE]);
		}
		/* Strict over lazy, per size, within the run. */
		for (unsigned int s = 0; s < 2; s++)
			sf[s][run] = rows[2 * s].p.t[LIB].v[run] / rows[2 * s + 1].p.t[LIB].v[run];
	}
	for (unsigned int s = 0; s < 2; s++)
		sf_ratio[s] = bench_median(sf[s], o->b.runs);
	for (unsigned int i = 0; i < NR_ROWS; i++)
		if (row_verify(&rows[i]))
			return -EIO;
	return 0;
}

/* ---- callgrind ------------------------------------------------------------ */

static void cg_got(void *arg, unsigned int i, const char *report)
{
	bench_cg_ir(report, cg_names, NR_IMPLS, PAIRS, ((struct row *)arg)[i].p.ir);
}

static int cg_measure(struct row *rows, const struct opts *o)
{
	return bench_callgrind(&(struct bench_cg){ .prog = "iok-bench-dma", .cg_opt = "cg-row",
		.n = NR_ROWS, .seed = o->b.seed, .args = "", .got = cg_got, .arg = rows });
}

/* ---- report --------------------------------------------------------------- */

struct fig {
	struct bench_fig f;
	double stale_max_unmaps, stale_mean_unmaps;
	bool met;
};

static void fig_of(const struct row *r, struct fig *g)
{
	struct iok_dma_stats st;

	bench_fig_of(&r->p, 1e9 / PAIRS, 1, &g->f);
	g->met = g->f.ratio <= 1.5;
	iok_dma_get_stats(r->dma, &st);
	g->stale_max_unmaps = st.stale_max_unmaps;
	g->stale_mean_unmaps = st.stale_count ? (double)st.stale_total_unmaps / st.stale_count : 0;
}

static void print_human(const struct row *rows, const struct opts *o, const double *sf)
{
	bool all = true;

	printf("iok-bench-dma %s: seed %" PRIu64 ", %u runs of %u map+unmap pairs per row, %u\n"
	       "in flight; baseline = LIFO IOVA free list + bare radix table on the same stream;\n"
	       "ratio = median of per-run ratios (ratio of bests); Ir = instructions per pair\n\n",
	       IOK_VERSION, o->b.seed, o->b.runs, PAIRS, DEPTH);
	printf("%-14s %8s %8s %8s %13s %6s %6s %6s  %s\n", "row", "best ns", "med ns", "base ns",
	       "ratio", "Ir", "baseIr", "Ir x", "target");
	for (unsigned int i = 0; i < NR_ROWS; i++) {
		char irs[3][16], ratio[32];
		struct fig g;

		fig_of(&rows[i], &g);
		bench_ir_text(rows[i].p.ir, 0, irs);
		all &= g.met;
		bench_ratio_text(ratio, sizeof(ratio), &g.f);
		printf("%-14s %8.1f %8.1f %8.1f %13s %6s %6s %6s  %s\n", rows[i].name, g.f.best,
		       g.f.med, g.f.base_med, ratio, irs[0], irs[1], irs[2], g.met ? "met" : "MISSED");
	}
	for (unsigned int s = 0; s < 2; s++) {
		struct fig g;

		fig_of(&rows[2 * s + 1], &g);
		all &= sf[s] <= 1.2;
		printf("%s: strict / flush queue %.2f (%s); unmapped translations stay usable for "
		       "%.0f unmaps on average, %.0f at most (%.1f / %.1f us at this rate; "
		       "%.0f ms when idle)\n", s ? "16 pages" : "1 page", sf[s],
		       sf[s] <= 1.2 ? "met" : "MISSED", g.stale_mean_unmaps, g.stale_max_unmaps,
		       g.stale_mean_unmaps * g.f.med / 1000, g.stale_max_unmaps * g.f.med / 1000,
		       IOK_DMA_FQ_TIMEOUT_NS / 1e6);
	}
	printf("\ntarget: ratio <= 1.5 on every row; strict within 1.2x of the flush queue%s\n",
	       all ? ": met" : ": MISSED");
}

static void print_json(const struct row *rows, const struct opts *o, const double *sf)
{
	bool all = true;

	bench_json_head("iok-bench-dma", &o->b);
	printf(",\"pairs_per_run\":%u,\"in_flight\":%u,\"rows\":[", PAIRS, DEPTH);
	for (unsigned int i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		struct fig g;

		fig_of(r, &g);
		all &= g.met;
		printf("%s{\"row\":\"%s\",\"pages\":%u,\"mode\":\"%s\",", i ? "," : "", r->name,
		       r->pages, r->strict ? "strict" : "flush_queue");
		bench_json_fig("pair", &g.f);
		printf(",");
		bench_json_ir("pair", 1, r->p.ir);
		printf(",");
		if (!r->strict)
			printf("\"stale_unmaps\":{\"mean\":%.1f,\"max\":%.0f},\"stale_ns\":{\"mean\":%.1f,"
			       "\"max\":%.1f,\"idle_bound\":%llu},", g.stale_mean_unmaps,
			       g.stale_max_unmaps, g.stale_mean_unmaps * g.f.med,
			       g.stale_max_unmaps * g.f.med, (unsigned long long)IOK_DMA_FQ_TIMEOUT_NS);
		printf("\"target_met\":%s}", g.met ? "true" : "false");
	}
	all &= sf[0] <= 1.2 && sf[1] <= 1.2;
	printf("],\"strict_over_fq\":{\"1page\":%.3f,\"16page\":%.3f},\"targets_met\":%s}\n",
	       sf[0], sf[1], all ? "true" : "false");
}

/* ---- options -------------------------------------------------------------- */

static const char usage[] =
	"Usage: iok-bench-dma [--json] [--callgrind] [--runs N] [--seed N]\n"
	"Time dma_map_single + dma_unmap_single pairs, strict and flush queue.\n"
	"  --json         one JSON object instead of the table\n"
	"  --callgrind    also count instructions per pair under valgrind's callgrind\n"
	"  --runs N       runs per row (default 11)\n"
	"  --seed N       operation-stream seed (default 1)\n";

int main(int argc, char **argv)
{
	static const struct bench_cli cli = { .usage = usage, .runs = 11,
		.cg_opt = "cg-row", .cg_max = NR_ROWS };
	static struct row rows[NR_ROWS];
	struct iok_ctx *ctx = NULL;
	double sf[2] = { 0, 0 };
	struct opts o;
	int rc;

	if (bench_parse(&cli, &o.b, argc, argv))
		return 2;
	rc = iok_new(&ctx);
	if (!rc)
		rc = setup(rows, ctx, &o);
	if (!rc && o.b.cg_child >= 0)
		rc = cg_fns[LIB](&rows[o.b.cg_child]) || cg_fns[BASE](&rows[o.b.cg_child]) ? -EIO : 0;
	else if (!rc)
		rc = measure(rows, &o, sf);
	if (!rc && o.b.cg_child < 0 && o.b.callgrind)
		cg_measure(rows, &o);
	if (!rc && o.b.cg_child < 0) {
		if (o.b.json)
			print_json(rows, &o, sf);
		else
			print_human(rows, &o, sf);
	}
	if (rc)
		fprintf(stderr, "iok-bench-dma: %s%s%s\n", rc == -EIO ?
			"a call failed or a mapping does not translate" : strerror(-rc),
			ctx ? ": " : "", ctx ? iok_get_error(ctx) : "");
	for (unsigned int i = 0; i < NR_ROWS; i++)
		row_free(&rows[i]);
	iok_unref(ctx);
	return rc ? 1 : 0;
}
