// SPDX-License-Identifier: MIT
/*
 * iok-bench-copy: DMA through the fabric and the IOMMU, against memcpy.
 *
 * Devices behind root ports, each group owned and attached to a paging
 * domain of its own (one per page layout), move 256 MiB (by default) with iok_fabric_dma_write() and
 * iok_fabric_dma_read(): through 4 KiB pages scattered over memory, 4 KiB
 * pages physically contiguous (the engine coalesces them into one copy per
 * run), 2 MiB pages scattered, and as 1500-byte packets (at a 1536-byte
 * stride, so some cross a page) through the scattered 4 KiB pages. Every
 * byte goes through routing, the IOMMU's translation (IOTLB, else a page
 * walk that sets accessed and dirty bits) and the sparse memory.
 *
 * The baselines move the same bytes between two plain host buffers: the
 * chunked memcpy copies each page (or packet piece) to the same place the
 * translation sends it, and the large memcpy copies everything at once.
 * The machine is shared and noisy, so the result is the ratio of
 * throughputs: every run times the three on the same seeded layout, in
 * rotating order, and the ratio is the median of the per-run ratios.
 * --callgrind adds instructions per 4 KiB from valgrind --tool=callgrind
 * (on a smaller transfer: per page it is the same work).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommukit/iommukit.h>
#include <iommukit/fabric.h>

#include "config.h"
#include "bench/stats.h"

#define MAX_RUNS	BENCH_MAX_RUNS
#define SZ_4K		0x1000ull
#define SZ_2M		0x200000ull
#define SZ_1G		0x40000000ull
#define RW		(IOK_PROT_READ | IOK_PROT_WRITE)
#define NOINLINE	__attribute__((noinline))
#define PKT_LEN		1500
#define PKT_STRIDE	1536
#define PHYS_BASE	(8 * SZ_1G)	/* where the domain's pages are, in RAM */

enum impl { LIB, CHUNK, LARGE, NR_IMPLS };
enum kind { K_4K_SCATTERED, K_4K_CONTIG, K_2M, K_PACKETS, NR_KINDS };

/* One copy of the chunked baseline: device buffer <-> physical buffer. */
struct piece {
	uint64_t phys;		/* offset in the physical buffer */
	uint64_t dev;		/* offset in the device's buffer */
	uint32_t len;
};

/* One DMA call of the library. */
struct call {
	uint64_t iova;
	uint64_t dev;
	uint32_t len;
};

struct work {
	const char *name;	/* "4k_scattered" */
	const char *label;
	enum kind kind;
	bool write;		/* the device writes memory */
	uint64_t bytes;		/* moved per sample */
	struct piece *pieces;
	size_t nr_pieces;
	struct call *calls;
	size_t nr_calls;
	struct samples t[NR_IMPLS];
	double r_chunk[MAX_RUNS], r_large[MAX_RUNS];
	double ir[NR_IMPLS];	/* instructions per 4 KiB, -1 unknown */
};

struct opts {
	bool json, callgrind;
	int cg_work;
	unsigned int runs, mib, iotlb;
	uint64_t seed;
	const char *only;	/* one workload's name, or NULL for all */
};

struct bench {
	struct iok_ctx *ctx;
	struct iok_topo *t;
	struct iok_machine *m;
	struct iok_fabric *f;
	/* One device and domain per page layout, as a NIC's, an NVMe's... */
	struct iok_domain *d[3];
	struct iok_dma_req req[3];
	uint64_t size;		/* bytes of each mapping */
	uint8_t *devbuf;	/* what the device sends or receives */
	uint8_t *physbuf;	/* the baselines' "physical memory" */
	uint64_t *perm4k, *perm2m;
	uint64_t iova[NR_KINDS];
};

#define PORT(n) "{\"bdf\": \"00:0" #n ".0\", \"id\": \"1b36:000c\", \"pcie\": \"root_port\"," \
	" \"secondary\": \"0" #n "\", \"acs\": {\"cap\": \"SV RR CR UF\"}}," \
	"{\"bdf\": \"0" #n ":00.0\", \"id\": \"8086:1533\", \"class\": \"020000\", \"pcie\": \"endpoint\"}"

static const char topo_json[] =
	"{\"schema\": 1, \"platform\": {\"iommu\": \"intel\", \"kernel\": \"6.19\"}, \"devices\": ["
	PORT(1) "," PORT(2) "," PORT(3) "]}";

/* The device (and domain) of each layout. */
static const unsigned int dev_of[NR_KINDS] = {
	[K_4K_SCATTERED] = 0, [K_PACKETS] = 0, [K_4K_CONTIG] = 1, [K_2M] = 2 };

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "iok-bench-copy: out of memory\n");
		exit(1);
	}
	return p;
}

static uint64_t *permutation(size_t n)
{
	uint64_t *p = xmalloc(n * sizeof(*p));

	for (size_t i = 0; i < n; i++)
		p[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		uint64_t t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

/* ---- the machine ---------------------------------------------------------- */

static int fail(struct bench *b, const char *what, int rc)
{
	fprintf(stderr, "iok-bench-copy: %s: %s (%s)\n", what, strerror(-rc),
		b->ctx ? iok_get_error(b->ctx) : "");
	return rc;
}

static int map_all(struct bench *b)
{
	size_t pages = b->size / SZ_4K, huge = b->size / SZ_2M;
	int rc = 0;

	b->iova[K_4K_SCATTERED] = b->iova[K_PACKETS] = 1 * SZ_1G;
	b->iova[K_4K_CONTIG] = 2 * SZ_1G;
	b->iova[K_2M] = 4 * SZ_1G;
	for (size_t i = 0; i < pages && !rc; i++)
		rc = iok_map(b->d[0], b->iova[K_4K_SCATTERED] + i * SZ_4K,
			     PHYS_BASE + b->perm4k[i] * SZ_4K, SZ_4K, RW);
	/* One call per page, so that the leaves are 4 KiB. */
	for (size_t i = 0; i < pages && !rc; i++)
		rc = iok_map(b->d[1], b->iova[K_4K_CONTIG] + i * SZ_4K, PHYS_BASE + i * SZ_4K,
			     SZ_4K, RW);
	for (size_t i = 0; i < huge && !rc; i++)
		rc = iok_map(b->d[2], b->iova[K_2M] + i * SZ_2M, PHYS_BASE + b->perm2m[i] * SZ_2M,
			     SZ_2M, RW);
	return rc;
}

static int machine_setup(struct bench *b, const struct opts *o)
{
	static const char *const bdfs[3] = { "01:00.0", "02:00.0", "03:00.0" };
	int rc;

	rc = iok_new(&b->ctx);
	rc = rc ?: iok_topo_load_json_string(b->ctx, "bench", topo_json, &b->t);
	rc = rc ?: iok_machine_new(b->t, &b->m);
	rc = rc ?: iok_fabric_new(b->m, &b->f);
	if (rc)
		return fail(b, "machine", rc);
	for (unsigned int i = 0; i < 3 && !rc; i++) {
		struct iok_rgroup *rg;
		struct iok_dev *dev;

		rc = iok_dev_find(b->t, bdfs[i], &dev);
		if (rc)
			break;
		rg = iok_dev_get_rgroup(b->m, dev);
		rc = iok_domain_alloc_paging(b->m, dev, &b->d[i]);
		rc = rc ?: iok_group_claim_dma_owner(rg, b);
		rc = rc ?: iok_attach_group(b->d[i], rg);
		if (!rc && o->iotlb)
			rc = iok_unit_set_iotlb_capacity(iok_dev_get_unit(b->m, dev), o->iotlb);
		b->req[i] = (struct iok_dma_req){ .dev = dev, .pasid = IOK_PASID_NONE };
	}
	rc = rc ?: map_all(b);
	return rc ? fail(b, "domain", rc) : 0;
}

/* ---- workloads ------------------------------------------------------------ */

static void add_piece(struct work *w, uint64_t phys, uint64_t dev, uint32_t len)
{
	w->pieces[w->nr_pieces++] = (struct piece){ .phys = phys, .dev = dev, .len = len };
}

/* The physical offset of byte @off of a workload's IOVA range. */
static uint64_t phys_of(const struct bench *b, enum kind k, uint64_t off)
{
	switch (k) {
	case K_4K_CONTIG:
		return off;
	case K_2M:
		return b->perm2m[off / SZ_2M] * SZ_2M + off % SZ_2M;
	default:
		return b->perm4k[off / SZ_4K] * SZ_4K + off % SZ_4K;
	}
}

static void work_init(struct bench *b, struct work *w, enum kind k, bool write)
{
	static const char *const names[NR_KINDS] = {
		"4k_scattered", "4k_contiguous", "2m", "packets" };
	static const char *const labels[NR_KINDS] = {
		"4 KiB pages at random physical pages",
		"4 KiB pages, physically contiguous (coalesced)",
		"2 MiB pages at random physical 2 MiB pages",
		"1500-byte packets at a 1536-byte stride over the scattered 4 KiB pages" };
	size_t pages = b->size / SZ_4K;

	w->name = names[k];
	w->label = labels[k];
	w->kind = k;
	w->write = write;
	for (unsigned int i = 0; i < NR_IMPLS; i++)
		w->ir[i] = -1;
	if (k != K_PACKETS) {
		w->bytes = b->size;
		w->calls = xmalloc(sizeof(*w->calls));
		w->calls[0] = (struct call){ .iova = b->iova[k], .dev = 0, .len = 0 };
		w->nr_calls = 1;
		w->pieces = xmalloc(pages * sizeof(*w->pieces));
		for (size_t i = 0; i < pages; i++)
			add_piece(w, phys_of(b, k, i * SZ_4K), i * SZ_4K, SZ_4K);
		return;
	}
	w->nr_calls = b->size / PKT_STRIDE;
	w->bytes = (uint64_t)w->nr_calls * PKT_LEN;
	w->calls = xmalloc(w->nr_calls * sizeof(*w->calls));
	w->pieces = xmalloc(2 * w->nr_calls * sizeof(*w->pieces));
	for (size_t i = 0; i < w->nr_calls; i++) {
		uint64_t off = (uint64_t)i * PKT_STRIDE, room = SZ_4K - off % SZ_4K;
		uint64_t dev = (uint64_t)i * PKT_LEN;

		w->calls[i] = (struct call){ .iova = b->iova[k] + off, .dev = dev, .len = PKT_LEN };
		/* A packet crossing a page is two copies for the baseline too. */
		if (room >= PKT_LEN) {
			add_piece(w, phys_of(b, k, off), dev, PKT_LEN);
		} else {
			add_piece(w, phys_of(b, k, off), dev, room);
			add_piece(w, phys_of(b, k, off + room), dev + room, PKT_LEN - room);
		}
	}
}

static void work_free(struct work *w)
{
	free(w->pieces);
	free(w->calls);
}

/* The timed loops. NOINLINE so that callgrind can name each of them. */
static NOINLINE int lib_copy(struct bench *b, struct work *w)
{
	struct iok_dma_req req = b->req[dev_of[w->kind]];

	for (size_t i = 0; i < w->nr_calls; i++) {
		const struct call *c = &w->calls[i];
		size_t len = c->len ? c->len : w->bytes;
		int rc;

		req.addr = c->iova;
		rc = w->write ? iok_fabric_dma_write(b->f, &req, b->devbuf + c->dev, len, NULL)
			      : iok_fabric_dma_read(b->f, &req, b->devbuf + c->dev, len, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

static NOINLINE int chunk_copy(struct bench *b, struct work *w)
{
	for (size_t i = 0; i < w->nr_pieces; i++) {
		const struct piece *p = &w->pieces[i];

		if (w->write)
			memcpy(b->physbuf + p->phys, b->devbuf + p->dev, p->len);
		else
			memcpy(b->devbuf + p->dev, b->physbuf + p->phys, p->len);
	}
	return 0;
}

static NOINLINE int large_copy(struct bench *b, struct work *w)
{
	if (w->write)
		memcpy(b->physbuf, b->devbuf, w->bytes);
	else
		memcpy(b->devbuf, b->physbuf, w->bytes);
	return 0;
}

typedef int (*run_fn)(struct bench *b, struct work *w);

static const run_fn run_fns[NR_IMPLS] = { lib_copy, chunk_copy, large_copy };

static NOINLINE int cg_lib(struct bench *b, struct work *w) { return lib_copy(b, w); }
static NOINLINE int cg_chunk(struct bench *b, struct work *w) { return chunk_copy(b, w); }
static NOINLINE int cg_large(struct bench *b, struct work *w) { return large_copy(b, w); }

static const run_fn cg_fns[NR_IMPLS] = { cg_lib, cg_chunk, cg_large };
static const char *const cg_names[NR_IMPLS] = { "cg_lib", "cg_chunk", "cg_large" };

/* The library moved the bytes where the baseline did. */
static int check_work(struct bench *b, struct work *w)
{
	uint8_t *tmp = xmalloc(SZ_4K);
	int rc = 0;

	for (size_t i = 0; i < w->nr_pieces && !rc; i += 1 + w->nr_pieces / 4096) {
		const struct piece *p = &w->pieces[i];

		if (w->write) {
			rc = iok_fabric_mem_compare(b->f, PHYS_BASE + p->phys, b->devbuf + p->dev,
						    p->len, NULL);
		} else {
			rc = iok_fabric_mem_read(b->f, PHYS_BASE + p->phys, tmp, p->len);
			rc = rc ?: memcmp(tmp, b->devbuf + p->dev, p->len) != 0;
		}
	}
	free(tmp);
	return rc ? -EIO : 0;
}

static int setup(struct bench *b, struct work *works, const struct opts *o)
{
	unsigned int n = 0;
	int rc;

	rnd_state = o->seed;
	b->size = (uint64_t)o->mib << 20;
	b->perm4k = permutation(b->size / SZ_4K);
	b->perm2m = permutation(b->size / SZ_2M);
	rc = machine_setup(b, o);
	if (rc)
		return rc;
	b->devbuf = xmalloc(b->size);
	b->physbuf = xmalloc(b->size);
	for (uint64_t i = 0; i < b->size; i += 8) {
		uint64_t v = rnd();

		memcpy(b->devbuf + i, &v, 8);
	}
	memset(b->physbuf, 0, b->size);
	/* The fabric's memory is reserved and touched by the first write. */
	for (unsigned int k = 0; k < NR_KINDS; k++)
		for (unsigned int d = 0; d < 2; d++)
			work_init(b, &works[n++], k, d == 0);
	for (unsigned int i = 0; i < n; i++) {
		struct work *w = &works[i];

		/* A read must fill the buffer itself: start from zeros. */
		if (!w->write)
			memset(b->devbuf, 0, b->size);
		rc = lib_copy(b, w);
		if (rc)
			return fail(b, w->name, rc);
		if (check_work(b, w))
			return -EIO;
		chunk_copy(b, w);
		large_copy(b, w);
	}
	return 0;
}

#define NR_WORK (2 * NR_KINDS)

static int measure(struct bench *b, struct work *works, const struct opts *o)
{
	for (unsigned int r = 0; r < o->runs; r++) {
		for (unsigned int k = 0; k < NR_WORK; k++) {
			struct work *w = &works[(r + k) % NR_WORK];
			double t[NR_IMPLS];

			if (o->only && strcmp(o->only, w->name))
				continue;
			for (unsigned int j = 0; j < NR_IMPLS; j++) {
				enum impl impl = (r + j) % NR_IMPLS;
				double t0 = bench_now();

				if (run_fns[impl](b, w))
					return -EIO;
				t[impl] = bench_now() - t0;
			}
			for (unsigned int j = 0; j < NR_IMPLS; j++)
				w->t[j].v[w->t[j].n++] = t[j];
			w->r_chunk[r] = t[CHUNK] / t[LIB];
			w->r_large[r] = t[LARGE] / t[LIB];
		}
	}
	return 0;
}

/* ---- callgrind ------------------------------------------------------------ */

static int callgrind_child(struct bench *b, struct work *works, const struct opts *o)
{
	struct work *w = &works[o->cg_work];

	for (unsigned int i = 0; i < NR_IMPLS; i++)
		if (cg_fns[i](b, w))
			return 1;
	return 0;
}

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
	for (size_t n; (n = fread(buf + len, 1, alloc - len - 1, f)) > 0;) {
		len += n;
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

/* The callgrind child moves this much: the count per 4 KiB is the same. */
#define CG_MIB 16

static int cg_measure(struct work *works, const struct opts *o)
{
	char dir[] = "/tmp/iok-bench-copy-XXXXXX", cmd[1024], self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc = 0;

	if (n <= 0 || !mkdtemp(dir))
		return -errno;
	self[n] = 0;
	for (unsigned int i = 0; i < NR_WORK && !rc; i++) {
		struct work *w = &works[i];
		double pages = (double)CG_MIB * (1 << 20) / SZ_4K;
		char *report;
		FILE *f;

		/* Packets move 1500 of every 1536 bytes. */
		if (w->kind == K_PACKETS)
			pages = pages * PKT_LEN / PKT_STRIDE;
		snprintf(cmd, sizeof(cmd),
			 "valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=cg_*' "
			 "--callgrind-out-file=%s/cg.out -q '%s' --cg-work %u --seed %" PRIu64
			 " --mib %u --iotlb %u && callgrind_annotate --inclusive=yes "
			 "--threshold=100 %s/cg.out; rm -f %s/cg.out", dir, self, i, o->seed,
			 CG_MIB, o->iotlb, dir, dir);
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
		for (unsigned int j = 0; j < NR_IMPLS; j++) {
			double ir = cg_find(report, cg_names[j]);

			if (ir >= 0)
				w->ir[j] = ir / pages;
		}
		free(report);
	}
	rmdir(dir);
	return rc;
}

/* ---- report --------------------------------------------------------------- */

struct row {
	const struct work *w;
	double gbps_best, gbps_med, chunk_gbps, large_gbps;
	double r_chunk, r_large, r_chunk_best, r_large_best;
	const char *target;
	bool met;
};

static double gbps(const struct work *w, double sec)
{
	return sec > 0 ? w->bytes / sec / 1e9 : 0;
}

static void make_row(const struct work *w, struct row *r)
{
	const struct samples *l = &w->t[LIB], *c = &w->t[CHUNK], *g = &w->t[LARGE];

	r->w = w;
	r->gbps_best = gbps(w, bench_best(l));
	r->gbps_med = gbps(w, bench_median(l->v, l->n));
	r->chunk_gbps = gbps(w, bench_median(c->v, c->n));
	r->large_gbps = gbps(w, bench_median(g->v, g->n));
	r->r_chunk = bench_median(w->r_chunk, l->n);
	r->r_large = bench_median(w->r_large, l->n);
	r->r_chunk_best = bench_best(c) / bench_best(l);
	r->r_large_best = bench_best(g) / bench_best(l);
	/* The targets: 4 KiB pages against chunked memcpy, runs and 2 MiB against one memcpy. */
	if (w->kind == K_4K_CONTIG || w->kind == K_2M) {
		r->target = "large>=0.90";
		r->met = r->r_large >= 0.90;
	} else {
		r->target = "chunk>=0.95";
		r->met = r->r_chunk >= 0.95;
	}
}

static void print_human(const struct work *works, const struct opts *o)
{
	printf("iok-bench-copy %s: seed %" PRIu64 ", %u runs, %u MiB per transfer, IOTLB %s;\n"
	       "library, chunked memcpy and one large memcpy interleaved on the same layout;\n"
	       "ratio = library throughput / baseline throughput, median of per-run ratios\n"
	       "(ratio of bests); Ir = instructions per 4 KiB under callgrind\n\n",
	       IOK_VERSION, o->seed, o->runs, o->mib, o->iotlb ? "resized" : "default");
	printf("%-14s %-5s %8s %8s %8s %8s %13s %13s %7s %7s %7s  %s\n", "workload", "dir",
	       "best", "GB/s", "chunk", "large", "x chunk", "x large", "Ir", "chk Ir",
	       "lrg Ir", "target");
	for (unsigned int i = 0; i < NR_WORK; i++) {
		struct row r;
		char rc[24], rl[24], ir[3][16];

		if (!works[i].t[LIB].n)
			continue;
		make_row(&works[i], &r);
		snprintf(rc, sizeof(rc), "%.3f (%.3f)", r.r_chunk, r.r_chunk_best);
		snprintf(rl, sizeof(rl), "%.3f (%.3f)", r.r_large, r.r_large_best);
		for (unsigned int j = 0; j < NR_IMPLS; j++) {
			if (works[i].ir[j] >= 0)
				snprintf(ir[j], sizeof(ir[j]), "%.0f", works[i].ir[j]);
			else
				snprintf(ir[j], sizeof(ir[j]), "-");
		}
		printf("%-14s %-5s %8.2f %8.2f %8.2f %8.2f %13s %13s %7s %7s %7s  %s %s\n",
		       r.w->name, r.w->write ? "write" : "read", r.gbps_best, r.gbps_med,
		       r.chunk_gbps, r.large_gbps, rc, rl, ir[0], ir[1], ir[2], r.target,
		       r.met ? "met" : "MISSED");
	}
	printf("\nworkloads:");
	for (unsigned int k = 0; k < NR_KINDS; k++)
		printf("%s %s: %s", k ? ";" : "", works[2 * k].name, works[2 * k].label);
	printf(".\nwrite: the device writes memory; read: it reads memory.\n"
	       "targets: 4 KiB pages (and packets) >= 0.95 of chunked memcpy; contiguous runs\n"
	       "and 2 MiB pages >= 0.90 of one large memcpy.\n");
}

static void print_json(const struct work *works, const struct opts *o)
{
	bool all = true;

	printf("{\"bench\":\"iok-bench-copy\",\"version\":\"%s\",\"seed\":%" PRIu64
	       ",\"runs\":%u,\"bytes_per_transfer\":%llu,\"rows\":[", IOK_VERSION, o->seed,
	       o->runs, (unsigned long long)o->mib << 20);
	for (unsigned int i = 0; i < NR_WORK; i++) {
		const struct work *w = &works[i];
		struct row r;

		make_row(w, &r);
		all &= r.met;
		printf("%s{\"workload\":\"%s\",\"dir\":\"%s\",\"bytes\":%llu,"
		       "\"gbps\":{\"best\":%.3f,\"median\":%.3f},"
		       "\"chunk_memcpy_gbps\":{\"median\":%.3f},\"large_memcpy_gbps\":{\"median\":%.3f},"
		       "\"ratio_chunk\":{\"median\":%.3f,\"best\":%.3f},"
		       "\"ratio_large\":{\"median\":%.3f,\"best\":%.3f}",
		       i ? "," : "", w->name, w->write ? "write" : "read",
		       (unsigned long long)w->bytes, r.gbps_best, r.gbps_med, r.chunk_gbps,
		       r.large_gbps, r.r_chunk, r.r_chunk_best, r.r_large, r.r_large_best);
		if (w->ir[LIB] >= 0 && w->ir[CHUNK] > 0 && w->ir[LARGE] > 0)
			printf(",\"ir_per_4k\":%.1f,\"chunk_ir_per_4k\":%.1f,\"large_ir_per_4k\":%.1f",
			       w->ir[LIB], w->ir[CHUNK], w->ir[LARGE]);
		else
			printf(",\"ir_per_4k\":null,\"chunk_ir_per_4k\":null,\"large_ir_per_4k\":null");
		printf(",\"target\":\"%s\",\"target_met\":%s}", r.target, r.met ? "true" : "false");
	}
	printf("],\"targets_met\":%s}\n", all ? "true" : "false");
}

/* ---- options -------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: iok-bench-copy [--json] [--callgrind] [--runs N] [--seed N] [--mib N] [--iotlb N]\n"
		"Time DMA through the fabric and the IOMMU against memcpy.\n"
		"  --json         one JSON object instead of the table\n"
		"  --callgrind    also count instructions per 4 KiB under valgrind's callgrind\n"
		"  --runs N       runs per figure (default 11)\n"
		"  --seed N       layout seed (default 1)\n"
		"  --mib N        MiB per transfer, a multiple of 2 (default 256)\n"
		"  --iotlb N      IOTLB entries per page size (default: the unit's)\n"
		"  --only NAME    time one workload (4k_scattered, 4k_contiguous, 2m, packets)\n");
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "callgrind", no_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "mib", required_argument, NULL, 'm' },
		{ "iotlb", required_argument, NULL, 'i' },
		{ "only", required_argument, NULL, 'o' },
		{ "cg-work", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .runs = 11, .seed = 1, .cg_work = -1, .mib = 256 };
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
		case 'm':
			o->mib = strtoul(optarg, NULL, 10);
			if (!o->mib || o->mib % 2 || o->mib > 4096)
				return -EINVAL;
			break;
		case 'i':
			o->iotlb = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			o->only = optarg;
			break;
		case 'w':
			o->cg_work = strtol(optarg, NULL, 10);
			if (o->cg_work < 0 || o->cg_work >= NR_WORK)
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
	struct work works[NR_WORK] = {};
	struct bench b = {};
	struct opts o;
	int rc;

	if (parse_opts(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	rc = setup(&b, works, &o);
	if (!rc && o.cg_work >= 0)
		rc = callgrind_child(&b, works, &o) ? -EIO : 0;
	else if (!rc)
		rc = measure(&b, works, &o);
	if (!rc && o.cg_work < 0 && o.callgrind && cg_measure(works, &o))
		fprintf(stderr, "iok-bench-copy: callgrind failed; is valgrind installed?\n");
	if (!rc && o.cg_work < 0) {
		if (o.json)
			print_json(works, &o);
		else
			print_human(works, &o);
	}
	if (rc == -EIO)
		fprintf(stderr, "iok-bench-copy: the library and the baseline disagree, or a copy failed\n");
	for (unsigned int i = 0; i < NR_WORK; i++)
		work_free(&works[i]);
	free(b.devbuf);
	free(b.physbuf);
	free(b.perm4k);
	free(b.perm2m);
	iok_fabric_unref(b.f);
	iok_machine_unref(b.m);
	iok_topo_unref(b.t);
	iok_unref(b.ctx);
	return rc ? 1 : 0;
}
