// SPDX-License-Identifier: MIT
/*
 * iok-bench-iotlb: the cost of a unit's IOTLB per operation, against a
 * direct-mapped array doing the same operation stream.
 *
 * Rows: hits on 4 KiB, 2 MiB and 1 GiB entries (each in a domain that has
 * entries of that size only, the common case), the same three in one
 * domain holding entries of every size (the IOTLB then probes more than
 * one page size), misses, page-selective invalidation of cached pages, and
 * for reference a whole iok_unit_translate() served from the IOTLB.
 *
 * The baseline is the least an IOTLB lookup must do: one direct-mapped
 * array per page size, told the page size, indexed by the same hash of page
 * number and domain ID, comparing the same tag and PASID; no counters, no
 * replacement state. The library's IOTLB does not know the page size: it
 * probes the sizes the domain ID has entries of, 2 MiB first, then 1 GiB,
 * then 4 KiB, in 2-way sets, and counts hits and misses.
 *
 * The machine is shared and noisy, so the result is the ratio: every run
 * times the baseline and the library on the same seeded stream, in
 * alternating order, and the ratio is the median of the per-run ratios.
 * --callgrind adds instruction counts from valgrind --tool=callgrind.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommukit/iommukit.h>

#include "config.h"
#include "bench/harness.h"
#include "lib/iommu/iommu-private.h"

#define MAX_RUNS	BENCH_MAX_RUNS
#define SZ_4K		0x1000ull
#define SZ_2M		0x200000ull
#define SZ_1G		0x40000000ull
#define RW		(IOK_PROT_READ | IOK_PROT_WRITE)

#define WSET		512	/* cached pages per page size */
#define LOOKUPS		262144	/* lookups per timed sample */
#define INV_CYCLES	64	/* invalidate-all-then-refill cycles per sample */

/* ---- the baseline: a direct-mapped array per page size -------------------- */

struct dm_entry {
	uint64_t tag;		/* vpn << 16 | domain ID, 0: empty */
	uint64_t out;		/* page output address | prot */
	uint32_t pasid;
};

struct dm {
	struct dm_entry *e;
	uint64_t mask;
	unsigned int shift;
};

/* The same set hash as the library's. */
static inline uint64_t dm_space(unsigned int did)
{
	return (uint64_t)did * 0x9e3779b97f4a7c15ull >> 40;
}

static NOINLINE bool dm_lookup(struct dm *t, unsigned int did, uint32_t pasid,
			       uint64_t iova, uint64_t *out)
{
	uint64_t vpn = iova >> t->shift;
	const struct dm_entry *e = &t->e[(vpn ^ dm_space(did)) & t->mask];

	if (e->tag != (vpn << 16 | did) || e->pasid != pasid)
		return false;
	*out = e->out;
	return true;
}

static void dm_fill(struct dm *t, unsigned int did, uint32_t pasid, uint64_t iova,
		    uint64_t out)
{
	uint64_t vpn = iova >> t->shift;
	struct dm_entry *e = &t->e[(vpn ^ dm_space(did)) & t->mask];

	*e = (struct dm_entry){ vpn << 16 | did, out, pasid };
}

static NOINLINE void dm_invalidate(struct dm *t, unsigned int did, uint32_t pasid,
				   uint64_t iova)
{
	uint64_t vpn = iova >> t->shift;
	struct dm_entry *e = &t->e[(vpn ^ dm_space(did)) & t->mask];

	if (e->tag == (vpn << 16 | did) && e->pasid == pasid)
		e->tag = 0;
}

/* ---- workloads ---------------------------------------------------------- */

enum impl { LIB, BASE, NR_IMPLS };
enum kind { K_HIT, K_MISS, K_INV, K_XLATE };

struct work {
	const char *name;	/* "hit_4k" */
	const char *label;
	enum kind kind;
	unsigned int shift;	/* page size of the entries used */
	struct iok_iommu_unit *u;
	uint16_t rid;
	unsigned int did;
	uint64_t base;		/* first IOVA of the cached pages */
	uint64_t *iova;		/* the stream */
	size_t n;		/* operations per sample */
	struct dm dm;
	struct bench_pair p;	/* ir: instructions per op */
	uint64_t sum[NR_IMPLS];
};

struct opts {
	struct bench_opts b;	/* b.cg_child: which workload */
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
		fprintf(stderr, "iok-bench-iotlb: out of memory\n");
		exit(1);
	}
	return p;
}

/* The timed loops, NOINLINE so callgrind can name each. */
static NOINLINE int lib_lookups(struct work *w)
{
	struct iok_unit_hw *hw = &w->u->hw;
	uint64_t sum = 0;
	struct iotlb_hit h;

	for (size_t i = 0; i < w->n; i++) {
		if (iok_iotlb_lookup(hw, w->did, IOK_PASID_NONE, w->iova[i], &h))
			sum += *h.out & ~((1ull << h.shift) - 1);
		else
			sum++;
	}
	w->sum[LIB] = sum;
	return 0;
}

static NOINLINE int base_lookups(struct work *w)
{
	uint64_t sum = 0, out;

	for (size_t i = 0; i < w->n; i++) {
		if (dm_lookup(&w->dm, w->did, IOK_PASID_NONE, w->iova[i], &out))
			sum += out & ~((1ull << w->dm.shift) - 1);
		else
			sum++;
	}
	w->sum[BASE] = sum;
	return 0;
}

static NOINLINE int lib_xlates(struct work *w)
{
	struct iok_xlate_req req = { .rid = w->rid, .pasid = IOK_PASID_NONE, .len = 64,
				     .access = IOK_PROT_READ };
	struct iok_xlate x;
	uint64_t sum = 0;

	for (size_t i = 0; i < w->n; i++) {
		req.iova = w->iova[i];
		if (iok_unit_translate(w->u, &req, &x) || !x.from_iotlb)
			return -1;
		sum += x.paddr & ~((1ull << w->shift) - 1);
	}
	w->sum[LIB] = sum;
	return 0;
}

/*
 * Where a page maps: off by one page of its size from a 2^44 offset, so
 * that map splits the range into pages of exactly that size.
 */
static uint64_t pa_of(uint64_t iova, unsigned int shift)
{
	return iova + 0x100000000000ull + (shift < 30 ? 1ull << shift : 0);
}

/* Refill the cached pages of @w in both (untimed). */
static void refill(struct work *w, enum impl impl)
{
	uint64_t pg = 1ull << w->shift;

	for (unsigned int i = 0; i < WSET; i++) {
		uint64_t iova = w->base + i * pg, out = pa_of(iova, w->shift) | RW;

		if (impl == LIB)
			iok_iotlb_fill(&w->u->hw, w->did, IOK_PASID_NONE, iova,
				       out & ~(pg - 1), w->shift, RW | IOTLB_DIRTY);
		else
			dm_fill(&w->dm, w->did, IOK_PASID_NONE, iova, out);
	}
}

static NOINLINE void lib_invs(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		iok_iotlb_inv_range(&w->u->hw, w->did, IOK_PASID_NONE, w->iova[i],
				    w->iova[i] + SZ_4K - 1);
}

static NOINLINE void base_invs(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		dm_invalidate(&w->dm, w->did, IOK_PASID_NONE, w->iova[i]);
}

/* Invalidation: cycles of invalidate-everything, timed, then refill. */
static double time_invs(struct work *w, enum impl impl)
{
	double t = 0;

	for (unsigned int c = 0; c < INV_CYCLES; c++) {
		double t0 = bench_now();

		if (impl == LIB)
			lib_invs(w);
		else
			base_invs(w);
		t += bench_now() - t0;
		/* Every cached page of the stream went. */
		if (impl == LIB && w->u->hw.dids[w->did].cnt[IOTLB_4K])
			return -1;
		refill(w, impl);
	}
	return t;
}

static double time_one(struct work *w, enum impl impl)
{
	double t0;
	int rc;

	if (w->kind == K_INV)
		return time_invs(w, impl);
	t0 = bench_now();
	if (impl == BASE)
		rc = base_lookups(w);
	else
		rc = w->kind == K_XLATE ? lib_xlates(w) : lib_lookups(w);
	return rc ? -1 : bench_now() - t0;
}

static int measure_one(struct work *w, unsigned int run)
{
	double t[NR_IMPLS];

	for (unsigned int k = 0; k < NR_IMPLS; k++) {
		enum impl impl = (run + k) % NR_IMPLS;

		t[impl] = time_one(w, impl);
		if (t[impl] < 0)
			return -1;
	}
	if (w->kind != K_INV && w->sum[LIB] != w->sum[BASE])
		return -1;
	bench_pair_add(&w->p, t[LIB], t[BASE]);
	return 0;
}

/* ---- setup: a machine, domains holding the pages, the IOTLB filled ------- */

/* Four endpoints behind ACS root ports: four singleton groups on one unit. */
static const char topo_json[] =
	"{\"schema\": 1, \"platform\": {\"iommu\": \"intel\", \"kernel\": \"6.19\"}, \"devices\": ["
	"{\"bdf\": \"00:01.0\", \"id\": \"8086:a110\", \"pcie\": \"root_port\", \"secondary\": \"01\","
	" \"acs\": {\"cap\": \"SV RR CR UF\"}},"
	"{\"bdf\": \"01:00.0\", \"id\": \"144d:a808\", \"class\": \"010802\", \"pcie\": \"endpoint\"},"
	"{\"bdf\": \"00:02.0\", \"id\": \"8086:a111\", \"pcie\": \"root_port\", \"secondary\": \"02\","
	" \"acs\": {\"cap\": \"SV RR CR UF\"}},"
	"{\"bdf\": \"02:00.0\", \"id\": \"144d:a808\", \"class\": \"010802\", \"pcie\": \"endpoint\"},"
	"{\"bdf\": \"00:03.0\", \"id\": \"8086:a112\", \"pcie\": \"root_port\", \"secondary\": \"03\","
	" \"acs\": {\"cap\": \"SV RR CR UF\"}},"
	"{\"bdf\": \"03:00.0\", \"id\": \"144d:a808\", \"class\": \"010802\", \"pcie\": \"endpoint\"},"
	"{\"bdf\": \"00:04.0\", \"id\": \"8086:a113\", \"pcie\": \"root_port\", \"secondary\": \"04\","
	" \"acs\": {\"cap\": \"SV RR CR UF\"}},"
	"{\"bdf\": \"04:00.0\", \"id\": \"144d:a808\", \"class\": \"010802\", \"pcie\": \"endpoint\"}]}";

struct env {
	struct iok_ctx *ctx;
	struct iok_topo *t;
	struct iok_machine *m;
};

/* A domain per device: 01 holds 4 KiB pages, 02 2 MiB, 03 1 GiB, 04 all three. */
struct dom {
	struct iok_domain *d;
	uint16_t rid;
	unsigned int did;
	uint64_t base[3];	/* by class: first IOVA of the WSET pages, 0 none */
};

static const unsigned int shifts[3] = { 12, 21, 30 };

/* WSET pages of class @c at a random aligned place, then translated once. */
static int populate(struct env *e, struct iok_iommu_unit *u, struct dom *dm, unsigned int c,
		    uint64_t region)
{
	uint64_t pg = 1ull << shifts[c], span = pg * WSET;
	struct iok_xlate_req req = { .rid = dm->rid, .pasid = IOK_PASID_NONE, .len = 1,
				     .access = IOK_PROT_READ };
	struct iok_xlate x;
	int rc;

	/* Each class its own 1 TiB region below 2^47. */
	dm->base[c] = region + (rnd() % ((1ull << 40) / span)) * span;
	rc = iok_map(dm->d, dm->base[c], pa_of(dm->base[c], shifts[c]), span, RW);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < WSET; i++) {
		req.iova = dm->base[c] + i * pg;
		if (iok_unit_translate(u, &req, &x) || x.pgsize != pg)
			return -EIO;
	}
	(void)e;
	return 0;
}

static int env_init(struct env *e, struct dom *doms, struct iok_iommu_unit **u)
{
	static const char *const bdfs[4] = { "01:00.0", "02:00.0", "03:00.0", "04:00.0" };
	int rc;

	rc = iok_new(&e->ctx);
	rc = rc ?: iok_topo_load_json_string(e->ctx, "bench", topo_json, &e->t);
	rc = rc ?: iok_machine_new(e->t, &e->m);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < 4; i++) {
		struct iok_dev *dev;
		int did;

		rc = iok_dev_find(e->t, bdfs[i], &dev);
		if (rc)
			return rc;
		*u = iok_dev_get_unit(e->m, dev);
		doms[i].d = iok_get_domain_for_dev(e->m, dev);
		doms[i].rid = (uint16_t)(iok_dev_get_busnr(dev) << 8 | iok_dev_get_devfn(dev));
		did = iok_unit_get_domain_id(*u, doms[i].d);
		if (did <= 0)
			return -EIO;
		doms[i].did = did;
	}
	for (unsigned int c = 0; c < 3 && !rc; c++) {
		rc = populate(e, *u, &doms[c], c, (1ull << 40) * (1 + c));
		rc = rc ?: populate(e, *u, &doms[3], c, (1ull << 40) * (4 + c));
	}
	return rc;
}

static void env_free(struct env *e)
{
	iok_machine_unref(e->m);
	iok_topo_unref(e->t);
	iok_unref(e->ctx);
}

#define NR_WORK 9

static const struct {
	const char *name, *label;
	enum kind kind;
	unsigned int dom, cls;
} defs[NR_WORK] = {
	{ "hit_4k", "hits on 4 KiB entries (domain of 4 KiB pages)", K_HIT, 0, 0 },
	{ "hit_2m", "hits on 2 MiB entries (domain of 2 MiB pages)", K_HIT, 1, 1 },
	{ "hit_1g", "hits on 1 GiB entries (domain of 1 GiB pages)", K_HIT, 2, 2 },
	{ "hit_4k_mixed", "hits on 4 KiB entries, domain with every size", K_HIT, 3, 0 },
	{ "hit_2m_mixed", "hits on 2 MiB entries, domain with every size", K_HIT, 3, 1 },
	{ "hit_1g_mixed", "hits on 1 GiB entries, domain with every size", K_HIT, 3, 2 },
	{ "miss_4k", "misses in a domain of 4 KiB pages", K_MISS, 0, 0 },
	{ "inv_4k", "page-selective invalidation of cached 4 KiB pages", K_INV, 0, 0 },
	{ "xlate_4k", "iok_unit_translate() served from the IOTLB, 4 KiB", K_XLATE, 0, 0 },
};

static int work_init(struct work *w, unsigned int i, struct iok_iommu_unit *u,
		     const struct dom *doms)
{
	const struct dom *dm = &doms[defs[i].dom];
	unsigned int c = defs[i].cls;
	uint64_t pg = 1ull << shifts[c];

	w->name = defs[i].name;
	w->label = defs[i].label;
	w->kind = defs[i].kind;
	w->shift = shifts[c];
	w->u = u;
	w->rid = dm->rid;
	w->did = dm->did;
	w->base = dm->base[c];
	w->p.ir[LIB] = w->p.ir[BASE] = -1;
	w->n = w->kind == K_INV ? WSET : LOOKUPS;
	w->iova = xcalloc(w->n, sizeof(*w->iova));
	for (size_t k = 0; k < w->n; k++) {
		uint64_t page = w->kind == K_INV ? k : rnd() % WSET;

		/* Misses: pages mapped nowhere in the IOTLB, same sets. */
		if (w->kind == K_MISS)
			page += WSET * (1 + rnd() % 64);
		w->iova[k] = w->base + page * pg + (w->kind == K_INV ? 0 : rnd() % pg);
	}
	/* The baseline's array has the library's capacity for the class. */
	w->dm.shift = w->shift;
	w->dm.mask = u->hw.capacity - 1;
	w->dm.e = xcalloc(u->hw.capacity, sizeof(*w->dm.e));
	refill(w, BASE);
	return 0;
}

static int setup(struct env *e, struct work *works, const struct opts *o)
{
	struct iok_iommu_unit *u = NULL;
	struct dom doms[4] = {};
	int rc;

	rnd_state = o->b.seed;
	rc = env_init(e, doms, &u);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < NR_WORK; i++)
		work_init(&works[i], i, u, doms);
	/* Everything cached: every hit stream must hit. */
	for (unsigned int i = 0; i < NR_WORK; i++) {
		struct work *w = &works[i];

		if (w->kind == K_INV)
			continue;
		iok_unit_reset_iotlb_stats(u);
		if ((w->kind == K_XLATE ? lib_xlates(w) : lib_lookups(w)) || base_lookups(w) ||
		    w->sum[LIB] != w->sum[BASE])
			return -EIO;
		if (w->kind == K_MISS ? u->hw.hits != 0 : u->hw.misses != 0)
			return -EIO;
	}
	return 0;
}

static int measure(struct work *works, const struct opts *o)
{
	for (unsigned int r = 0; r < o->b.runs; r++)
		for (unsigned int k = 0; k < NR_WORK; k++)
			if (measure_one(&works[(r + k) % NR_WORK], r))
				return -EIO;
	return 0;
}

/* ---- callgrind --------------------------------------------------------- */

static NOINLINE int cg_lib(struct work *w)
{
	if (w->kind == K_INV) {
		lib_invs(w);
		return 0;
	}
	return w->kind == K_XLATE ? lib_xlates(w) : lib_lookups(w);
}

static NOINLINE int cg_base(struct work *w)
{
	if (w->kind == K_INV) {
		base_invs(w);
		return 0;
	}
	return base_lookups(w);
}

static int callgrind_child(struct work *works, const struct opts *o)
{
	struct work *w = &works[o->b.cg_child];

	return cg_lib(w) || cg_base(w) ? 1 : 0;
}

static void cg_got(void *arg, unsigned int i, const char *report)
{
	static const char *const names[NR_IMPLS] = { "cg_lib", "cg_base" };
	struct work *w = (struct work *)arg + i;

	bench_cg_ir(report, names, NR_IMPLS, w->n, w->p.ir);
}

static int cg_measure(struct work *works, const struct opts *o)
{
	return bench_callgrind(&(struct bench_cg){ .prog = "iok-bench-iotlb",
		.cg_opt = "cg-work", .n = NR_WORK, .seed = o->b.seed, .args = "",
		.got = cg_got, .arg = works });
}

/* ---- report ------------------------------------------------------------ */

/* Operations of one sample. */
static double ops_per_sample(const struct work *w)
{
	return (double)w->n * (w->kind == K_INV ? INV_CYCLES : 1);
}

struct row {
	const struct work *w;
	struct bench_fig f;
	bool target, met;
};

static unsigned int rows(const struct work *works, struct row *out)
{
	for (unsigned int i = 0; i < NR_WORK; i++) {
		const struct work *w = &works[i];
		struct row *r = &out[i];

		r->w = w;
		bench_fig_of(&w->p, 1e9, ops_per_sample(w), &r->f);
		/* The targets: the hit rows of single-size domains. */
		r->target = w->kind == K_HIT && !strstr(w->name, "mixed");
		r->met = !r->target || r->f.ratio <= 1.5;
	}
	return NR_WORK;
}

/* 2 MiB against 4 KiB hits: median of per-run time ratios, in the given domains. */
static double ratio_2m_4k(const struct work *works, unsigned int a, unsigned int b)
{
	double v[MAX_RUNS];
	unsigned int n = works[a].p.t[LIB].n;

	for (unsigned int r = 0; r < n; r++)
		v[r] = works[a].p.t[LIB].v[r] / works[b].p.t[LIB].v[r];
	return bench_median(v, n);
}

/*
 * "No slower": decided by instruction counts when callgrind ran (times of
 * two rows move apart by more than their difference on this machine), by
 * the time ratio otherwise.
 */
static bool no_slower(const struct work *works, unsigned int a, unsigned int b)
{
	if (works[a].p.ir[LIB] >= 0 && works[b].p.ir[LIB] >= 0)
		return works[a].p.ir[LIB] <= works[b].p.ir[LIB];
	return ratio_2m_4k(works, a, b) <= 1.05;
}

static double ir_ratio(const struct work *works, unsigned int a, unsigned int b)
{
	return works[a].p.ir[LIB] >= 0 && works[b].p.ir[LIB] > 0 ?
	       works[a].p.ir[LIB] / works[b].p.ir[LIB] : -1;
}

static void print_human(const struct work *works, const struct opts *o)
{
	struct row rs[NR_WORK];
	unsigned int n = rows(works, rs);

	printf("iok-bench-iotlb %s: seed %" PRIu64 ", %u runs, IOTLB of %u entries per page\n"
	       "size (2-way) against a direct-mapped array, interleaved on the same stream;\n"
	       "ratio = median of per-run ratios (ratio of bests); Ir = instructions per op\n\n",
	       IOK_VERSION, o->b.seed, o->b.runs, works[0].u->hw.capacity);
	printf("%-13s %9s %9s %9s %13s %7s %7s %6s  %s\n", "op", "best ns", "med ns",
	       "base ns", "ratio", "Ir", "base Ir", "Ir x", "target");
	for (unsigned int i = 0; i < n; i++) {
		const struct row *r = &rs[i];
		char irs[3][16], ratio[24];

		bench_ir_text(r->w->p.ir, 1, irs);
		bench_ratio_text(ratio, sizeof(ratio), &r->f);
		printf("%-13s %9.2f %9.2f %9.2f %13s %7s %7s %6s  %s\n", r->w->name, r->f.best,
		       r->f.med, r->f.base_med, ratio, irs[0], irs[1], irs[2],
		       !r->target ? "-" : r->met ? "met" : "MISSED");
	}
	printf("\n2 MiB hit / 4 KiB hit: time %.2f, Ir %.2f (single-size domains); time %.2f,\n"
	       "Ir %.2f (mixed domain): %s\n", ratio_2m_4k(works, 1, 0), ir_ratio(works, 1, 0),
	       ratio_2m_4k(works, 4, 3), ir_ratio(works, 4, 3),
	       no_slower(works, 1, 0) && no_slower(works, 4, 3) ? "met" : "MISSED");
	printf("\nstreams:");
	for (unsigned int i = 0; i < NR_WORK; i++)
		bench_print_item(i, works[i].name, works[i].label);
	printf(".\ntarget: hits within 1.5x of the direct-mapped array (single-size domains),\n"
	       "2 MiB hits no slower than 4 KiB hits (by Ir when counted, else by time).\n");
}

/* {"time": t, "ir": r}, r null when not counted. */
static void print_pair(double t, double ir)
{
	if (ir >= 0)
		printf("{\"time\":%.3f,\"ir\":%.3f}", t, ir);
	else
		printf("{\"time\":%.3f,\"ir\":null}", t);
}

static void print_json(const struct work *works, const struct opts *o)
{
	struct row rs[NR_WORK];
	unsigned int n = rows(works, rs);
	bool all = no_slower(works, 1, 0) && no_slower(works, 4, 3);

	bench_json_head("iok-bench-iotlb", &o->b);
	printf(",\"capacity_per_size\":%u,\"ways\":%u,\"rows\":[", works[0].u->hw.capacity,
	       IOTLB_WAYS);
	for (unsigned int i = 0; i < n; i++) {
		const struct row *r = &rs[i];

		all &= r->met;
		printf("%s{\"op\":\"%s\",\"ops\":%zu,", i ? "," : "", r->w->name, r->w->n);
		bench_json_fig("op", &r->f);
		printf(",");
		bench_json_ir("op", 2, r->w->p.ir);
		printf(",\"target\":%s,\"target_met\":%s}", r->target ? "true" : "false",
		       r->met ? "true" : "false");
	}
	printf("],\"hit_2m_over_4k\":");
	print_pair(ratio_2m_4k(works, 1, 0), ir_ratio(works, 1, 0));
	printf(",\"hit_2m_over_4k_mixed\":");
	print_pair(ratio_2m_4k(works, 4, 3), ir_ratio(works, 4, 3));
	printf(",\"targets_met\":%s}\n", all ? "true" : "false");
}

/* ---- options ----------------------------------------------------------- */

static const char usage[] =
	"Usage: iok-bench-iotlb [--json] [--callgrind] [--runs N] [--seed N]\n"
	"Time IOTLB hits, misses and invalidations against a direct-mapped array.\n"
	"  --json         one JSON object instead of the table\n"
	"  --callgrind    also count instructions per op under valgrind's callgrind\n"
	"  --runs N       runs per figure (default 21)\n"
	"  --seed N       operation-stream seed (default 1)\n";

int main(int argc, char **argv)
{
	static const struct bench_cli cli = { .usage = usage, .runs = 21,
		.cg_opt = "cg-work", .cg_max = NR_WORK };
	struct work works[NR_WORK] = {};
	struct env e = {};
	struct opts o;
	int rc;

	if (bench_parse(&cli, &o.b, argc, argv))
		return 2;
	rc = setup(&e, works, &o);
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
		bench_print_error("iok-bench-iotlb", rc,
				  "the library and the baseline disagree, or a call failed");
	for (unsigned int i = 0; i < NR_WORK; i++) {
		free(works[i].iova);
		free(works[i].dm.e);
	}
	env_free(&e);
	return rc ? 1 : 0;
}
