// SPDX-License-Identifier: MIT
/*
 * iok-bench: how long libiommukit takes to load a topology and compute its
 * IOMMU groups, at sizes ten times apart, so that the cost per function
 * and its growth can be read off.
 *
 * The machine it runs on is shared and noisy, so every figure is the best
 * and the median of several runs, sizes are interleaved within each round
 * (a slow moment then hits all sizes alike), and growth is the median of
 * the ratios measured within the same round.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "lib/private.h"
#include "bench/gen.h"
#include "bench/stats.h"

#define MAX_SIZES 8
#define MAX_RUNS BENCH_MAX_RUNS

enum measure {
	M_LOAD,		/* config bytes -> finalized topology */
	M_LOAD_LSPCI,	/* `lspci -xxxx` file -> finalized topology */
	M_GROUP,	/* iok_grouping_compute() */
	NR_MEASURES,
};

static const char *const measure_names[NR_MEASURES] = {
	[M_LOAD] = "load",
	[M_LOAD_LSPCI] = "load_lspci",
	[M_GROUP] = "group",
};

struct size_run {
	unsigned int nr_fns;
	char label[16];		/* "1k", "100k" */
	struct gen_topo gen;
	char dump[64];		/* the lspci file, "" when not measured */
	long long dump_bytes;
	struct samples s[NR_MEASURES];
	unsigned int groups, buses;
	uint64_t digest;	/* of the partition, to compare runs */
	bool unstable;		/* runs or sources disagreed */
};

struct opts {
	bool json;
	unsigned int runs;
	uint64_t seed;
	unsigned int sizes[MAX_SIZES];
	unsigned int nr_sizes;
	unsigned int lspci_max;	/* largest size read through libpci */
};

/* ---- one measurement --------------------------------------------------- */

/*
 * Hand every function's bytes over as a source does: read into one 4 KiB
 * buffer. Past GEN_STORED the buffer is never written, so stays zero; a
 * 256-byte function may leave stale bytes below it, beyond what it knows.
 */
static int load_direct(struct iok_ctx *ctx, const struct gen_topo *gen,
		       struct iok_topo **out)
{
	static uint8_t cfg[IOK_CFG_MAX];
	struct iok_topo *topo = iok_topo_alloc(ctx, "bench");
	unsigned int i;
	int rc = 0;

	if (!topo)
		return -ENOMEM;
	for (i = 0; i < gen->nr && !rc; i++) {
		const struct gen_fn *f = &gen->fns[i];

		memcpy(cfg, gen_cfg(gen, f), f->len);
		rc = iok_topo_add_pci(topo, f->domain, f->bus, f->devfn, cfg,
				      f->known, NULL);
	}
	if (!rc)
		rc = iok_topo_finalize(topo);
	if (rc) {
		iok_topo_unref(topo);
		return rc;
	}
	*out = topo;
	return 0;
}

/* FNV-1a over each group's ID and member names: equal digests, equal groups. */
static uint64_t digest_grouping(const struct iok_grouping *g)
{
	uint64_t h = 0xcbf29ce484222325ull;
	struct iok_group *grp;
	unsigned int i;
	const char *p;

	iok_group_foreach(g, grp) {
		h = (h ^ (uint64_t)iok_group_get_id(grp)) * 0x100000001b3ull;
		for (i = 0; i < iok_group_count_devs(grp); i++)
			for (p = iok_dev_get_name(iok_group_get_dev(grp, i)); *p; p++)
				h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	}
	return h;
}

/* Record what a grouping found; the first run of a size sets the reference. */
static void check_grouping(struct size_run *sr, const struct iok_grouping *g,
			   struct iok_topo *topo)
{
	unsigned int groups = iok_grouping_count(g);
	uint64_t digest = digest_grouping(g);

	if (!sr->digest) {
		sr->groups = groups;
		sr->digest = digest;
		sr->buses = topo->nr_buses;
		return;
	}
	if (groups != sr->groups || digest != sr->digest)
		sr->unstable = true;
}

static int fail(struct iok_ctx *ctx, const char *what, int rc)
{
	fprintf(stderr, "iok-bench: %s: %s (%s)\n", what, iok_get_error(ctx), strerror(-rc));
	return rc;
}

static int group_and_check(struct iok_ctx *ctx, struct size_run *sr,
			   struct iok_topo *topo, bool timed)
{
	struct iok_grouping *g;
	double t0 = bench_now();
	int rc;

	rc = iok_grouping_compute(topo, &g);
	if (rc)
		return fail(ctx, "grouping", rc);
	if (timed)
		sr->s[M_GROUP].v[sr->s[M_GROUP].n++] = bench_now() - t0;
	check_grouping(sr, g, topo);
	iok_grouping_unref(g);
	return 0;
}

/* Load from config bytes and group; @timed false for the warm-up. */
static int run_direct(struct iok_ctx *ctx, struct size_run *sr, bool timed)
{
	struct iok_topo *topo;
	double t0 = bench_now();
	int rc;

	rc = load_direct(ctx, &sr->gen, &topo);
	if (rc)
		return fail(ctx, "load", rc);
	if (timed)
		sr->s[M_LOAD].v[sr->s[M_LOAD].n++] = bench_now() - t0;
	rc = group_and_check(ctx, sr, topo, timed);
	iok_topo_unref(topo);
	return rc;
}

static int run_lspci(struct iok_ctx *ctx, struct size_run *sr)
{
	char src[80];
	struct iok_topo *topo;
	double t0 = bench_now();
	int rc;

	snprintf(src, sizeof(src), "lspci:%s", sr->dump);
	rc = iok_topo_load(ctx, src, &topo);
	if (rc)
		return fail(ctx, src, rc);
	sr->s[M_LOAD_LSPCI].v[sr->s[M_LOAD_LSPCI].n++] = bench_now() - t0;
	/* Read as the kernel left it, it must group as the bytes did. */
	rc = group_and_check(ctx, sr, topo, false);
	iok_topo_unref(topo);
	return rc;
}

/* ---- setup ------------------------------------------------------------- */

static int write_dump(struct size_run *sr)
{
	FILE *f;
	int fd, rc;

	snprintf(sr->dump, sizeof(sr->dump), "/tmp/iok-bench-%s-XXXXXX", sr->label);
	fd = mkstemp(sr->dump);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rc = gen_write_lspci(&sr->gen, f);
	sr->dump_bytes = ftell(f);
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

static void size_label(char *buf, size_t len, unsigned int n)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%um", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%u", n);
}

static int setup(const struct opts *o, struct size_run *runs)
{
	unsigned int i;
	int rc;

	for (i = 0; i < o->nr_sizes; i++) {
		struct size_run *sr = &runs[i];

		sr->nr_fns = o->sizes[i];
		size_label(sr->label, sizeof(sr->label), sr->nr_fns);
		rc = gen_build(&sr->gen, sr->nr_fns, o->seed);
		if (rc)
			return rc;
		if (sr->nr_fns > o->lspci_max)
			continue;
		rc = write_dump(sr);
		if (rc) {
			fprintf(stderr, "iok-bench: %s: %s\n", sr->dump, strerror(-rc));
			unlink(sr->dump);
			sr->dump[0] = 0;
			return rc;
		}
	}
	return 0;
}

/* A dump can be a gigabyte: remove them on SIGINT and SIGTERM too. */
static const struct size_run *signal_runs;
static unsigned int signal_nr_runs;

static void on_signal(int sig)
{
	unsigned int i;

	for (i = 0; i < signal_nr_runs; i++)
		if (signal_runs[i].dump[0])
			unlink(signal_runs[i].dump);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void cleanup(const struct opts *o, struct size_run *runs)
{
	unsigned int i;

	for (i = 0; i < o->nr_sizes; i++) {
		if (runs[i].dump[0])
			unlink(runs[i].dump);
		gen_free(&runs[i].gen);
	}
}

/*
 * Each round measures every size, starting from a different one each time,
 * so that neither a slow spell nor the order favours a size.
 */
static int measure(struct iok_ctx *ctx, const struct opts *o, struct size_run *runs)
{
	unsigned int r, k;
	int rc;

	for (k = 0; k < o->nr_sizes; k++) {
		rc = run_direct(ctx, &runs[k], false);
		if (rc)
			return rc;
	}
	for (r = 0; r < o->runs; r++) {
		for (k = 0; k < o->nr_sizes; k++) {
			struct size_run *sr = &runs[(r + k) % o->nr_sizes];

			rc = run_direct(ctx, sr, true);
			if (!rc && sr->dump[0])
				rc = run_lspci(ctx, sr);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- report ------------------------------------------------------------ */

/* Median over rounds of @big's time over @small's in the same round. */
static double paired_ratio(const struct samples *big, const struct samples *small)
{
	double r[MAX_RUNS];
	unsigned int i, n = big->n < small->n ? big->n : small->n;

	for (i = 0; i < n; i++)
		r[i] = big->v[i] / small->v[i];
	return bench_median(r, n);
}

static double ns_per_fn(double sec, unsigned int nr)
{
	return sec * 1e9 / nr;
}

/* Why load_lspci stops short, and what the largest size would cost. */
static void lspci_note(const struct opts *o, const struct size_run *runs)
{
	const struct size_run *last = &runs[o->nr_sizes - 1], *measured = NULL;
	unsigned int i;
	double ns;

	for (i = 0; i < o->nr_sizes; i++)
		if (runs[i].s[M_LOAD_LSPCI].n)
			measured = &runs[i];
	if (!measured || measured == last)
		return;
	ns = ns_per_fn(bench_median(measured->s[M_LOAD_LSPCI].v, measured->s[M_LOAD_LSPCI].n),
		       measured->gen.nr);
	printf("load_lspci: sizes above --lspci-max %u skipped; libpci's dump reader takes\n"
	       "  %.0f us per function (%.0f s per run at %s)\n",
	       o->lspci_max, ns / 1e3, ns * last->gen.nr / 1e9, last->label);
}

static void print_human(const struct opts *o, const struct size_run *runs)
{
	const struct gen_stats *st = &runs[o->nr_sizes - 1].gen.st;
	unsigned int i, m;

	printf("iok-bench %s: seed %" PRIu64 ", %u runs per figure (best and median), sizes interleaved\n\n",
	       IOK_VERSION, o->seed, o->runs);
	printf("%-6s %9s %8s %10s %7s %8s %12s\n", "size", "functions", "domains",
	       "root_buses", "buses", "groups", "lspci_dump");
	for (i = 0; i < o->nr_sizes; i++) {
		const struct size_run *sr = &runs[i];
		char dump[32] = "-";

		if (sr->dump[0])
			snprintf(dump, sizeof(dump), "%.1f MB", sr->dump_bytes / 1e6);
		printf("%-6s %9u %8u %10u %7u %8u %12s%s\n", sr->label, sr->gen.nr,
		       sr->gen.st.domains, sr->gen.st.root_buses, sr->buses, sr->groups,
		       dump, sr->unstable ? "  GROUPS DIFFER BETWEEN RUNS" : "");
	}
	printf("\nmix at %s: %u root ports (%u with ACS), %u switches with %u downstream ports (%u with ACS),\n"
	       "  %u empty slots, %u endpoints (%u multifunction, %u of them with ACS), %u SR-IOV PFs with %u VFs,\n"
	       "  %u bridges to conventional PCI, %u conventional functions, %u RCiEPs\n\n",
	       runs[o->nr_sizes - 1].label, st->root_ports, st->root_ports_acs, st->switches,
	       st->downstream_ports, st->downstream_ports_acs, st->empty_slots, st->endpoints,
	       st->mf_endpoints, st->mf_endpoints_acs, st->pfs, st->vfs, st->pci_bridges,
	       st->conventional, st->rcieps);

	printf("%-11s %-6s %10s %10s %12s\n", "measure", "size", "best ms", "median ms", "ns/function");
	for (m = 0; m < NR_MEASURES; m++) {
		for (i = 0; i < o->nr_sizes; i++) {
			const struct size_run *sr = &runs[i];
			const struct samples *s = &sr->s[m];
			double med = bench_median(s->v, s->n);

			if (!s->n) {
				printf("%-11s %-6s %10s %10s %12s\n", measure_names[m], sr->label,
				       "skipped", "-", "-");
				continue;
			}
			printf("%-11s %-6s %10.2f %10.2f %12.0f\n", measure_names[m], sr->label,
			       bench_best(s) * 1e3, med * 1e3, ns_per_fn(med, sr->gen.nr));
		}
	}
	lspci_note(o, runs);
	for (i = o->nr_sizes - 1; i > 0; i--) {
		const struct size_run *big = &runs[i], *small = &runs[i - 1];

		printf("\nratio %s/%s (linear = %.1f), median of same-round ratios (ratio of bests):\n ",
		       big->label, small->label, (double)big->gen.nr / small->gen.nr);
		for (m = 0; m < NR_MEASURES; m++) {
			if (!big->s[m].n || !small->s[m].n)
				continue;
			printf(" %s %.2f (%.2f)", measure_names[m],
			       paired_ratio(&big->s[m], &small->s[m]),
			       bench_best(&big->s[m]) / bench_best(&small->s[m]));
		}
		printf("\n");
	}
}

static void print_json(const struct opts *o, const struct size_run *runs)
{
	unsigned int i, m;
	bool stable = true;

	printf("{\"bench\":\"iok-bench\",\"version\":\"%s\",\"seed\":%" PRIu64 ",\"runs\":%u,",
	       IOK_VERSION, o->seed, o->runs);
	printf("\"sizes\":{");
	for (i = 0; i < o->nr_sizes; i++) {
		const struct size_run *sr = &runs[i];
		const struct gen_stats *st = &sr->gen.st;

		stable &= !sr->unstable;
		printf("%s\"%s\":{\"functions\":%u,\"domains\":%u,\"root_buses\":%u,\"buses\":%u,"
		       "\"groups\":%u,\"groups_stable\":%s,\"root_ports\":%u,\"switches\":%u,"
		       "\"vfs\":%u,\"lspci_dump_bytes\":%lld",
		       i ? "," : "", sr->label, sr->gen.nr, st->domains, st->root_buses,
		       sr->buses, sr->groups, sr->unstable ? "false" : "true",
		       st->root_ports, st->switches, st->vfs,
		       sr->dump[0] ? sr->dump_bytes : 0);
		for (m = 0; m < NR_MEASURES; m++) {
			const struct samples *s = &sr->s[m];
			double med = bench_median(s->v, s->n);

			if (!s->n) {
				printf(",\"%s\":null", measure_names[m]);
				continue;
			}
			printf(",\"%s\":{\"best_ms\":%.3f,\"median_ms\":%.3f,\"ns_per_function\":%.1f}",
			       measure_names[m], bench_best(s) * 1e3, med * 1e3,
			       ns_per_fn(med, sr->gen.nr));
		}
		printf("}");
	}
	printf("},\"ratios\":{");
	for (i = 1; i < o->nr_sizes; i++) {
		const struct size_run *big = &runs[i], *small = &runs[i - 1];

		printf("%s\"%s_%s\":{\"linear\":%.2f", i > 1 ? "," : "", big->label,
		       small->label, (double)big->gen.nr / small->gen.nr);
		for (m = 0; m < NR_MEASURES; m++) {
			if (!big->s[m].n || !small->s[m].n) {
				printf(",\"%s\":null", measure_names[m]);
				continue;
			}
			printf(",\"%s\":{\"median\":%.3f,\"best\":%.3f}", measure_names[m],
			       paired_ratio(&big->s[m], &small->s[m]),
			       bench_best(&big->s[m]) / bench_best(&small->s[m]));
		}
		printf("}");
	}
	printf("},\"lspci_max\":%u,\"groups_stable\":%s}\n", o->lspci_max,
	       stable ? "true" : "false");
}

/* ---- options ----------------------------------------------------------- */

static int parse_sizes(struct opts *o, const char *arg)
{
	char *end;

	o->nr_sizes = 0;
	while (*arg) {
		unsigned long n = strtoul(arg, &end, 10);

		if (end == arg || !n || n > 10000000 || o->nr_sizes == MAX_SIZES)
			return -EINVAL;
		if (o->nr_sizes && n <= o->sizes[o->nr_sizes - 1])
			return -EINVAL;
		o->sizes[o->nr_sizes++] = n;
		arg = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -EINVAL;
	}
	return o->nr_sizes ? 0 : -EINVAL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: iok-bench [--json] [--runs N] [--seed N] [--sizes N,N,...] [--lspci-max N]\n"
		"Time topology load and IOMMU group computation on generated topologies.\n"
		"  --json         one JSON object instead of the table\n"
		"  --runs N       runs per figure (default 5)\n"
		"  --seed N       generator seed (default 1)\n"
		"  --sizes LIST   increasing function counts (default 1000,10000,100000)\n"
		"  --lspci-max N  largest size also loaded from an lspci dump (default 10000, 0: none)\n");
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "sizes", required_argument, NULL, 'n' },
		{ "lspci-max", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct opts){ .runs = 5, .seed = 1, .sizes = { 1000, 10000, 100000 },
			    .nr_sizes = 3, .lspci_max = 10000 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
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
			if (parse_sizes(o, optarg))
				return -EINVAL;
			break;
		case 'l':
			o->lspci_max = strtoul(optarg, NULL, 10);
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
	struct size_run runs[MAX_SIZES] = {};
	struct iok_ctx *ctx;
	struct opts o;
	unsigned int i;
	int rc;

	if (parse_opts(&o, argc, argv)) {
		usage(stderr);
		return 2;
	}
	if (iok_new(&ctx))
		return 1;
	signal_runs = runs;
	signal_nr_runs = o.nr_sizes;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = setup(&o, runs);
	if (!rc)
		rc = measure(ctx, &o, runs);
	if (!rc) {
		if (o.json)
			print_json(&o, runs);
		else
			print_human(&o, runs);
		for (i = 0; i < o.nr_sizes; i++)
			if (runs[i].unstable)
				rc = -EPROTO;
	}
	cleanup(&o, runs);
	iok_unref(ctx);
	return rc ? 1 : 0;
}
