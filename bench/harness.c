// SPDX-License-Identifier: MIT
/* The bench harness: what every bench program does alike. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "bench/harness.h"

#define MAX_OPTS 16

/* The common options first, then the bench's, then its child option. */
static int build_longopts(const struct bench_cli *cli, struct option *lo)
{
	static const struct option common[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "callgrind", no_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
	};
	unsigned int n = 0;

	for (unsigned int i = 0; i < 4; i++)
		if (common[i].val != 'c' || cli->cg_opt)
			lo[n++] = common[i];
	for (const struct option *e = cli->extra; e && e->name; e++) {
		if (n >= MAX_OPTS - 3)
			return -EINVAL;
		lo[n++] = *e;
	}
	if (cli->cg_opt)
		lo[n++] = (struct option){ cli->cg_opt, required_argument, NULL, 'w' };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){};
	return 0;
}

static int parse_one(const struct bench_cli *cli, struct bench_opts *o, int c)
{
	switch (c) {
	case 'j':
		o->json = true;
		return 0;
	case 'c':
		o->callgrind = true;
		return 0;
	case 'r':
		o->runs = strtoul(optarg, NULL, 10);
		return !o->runs || o->runs > BENCH_MAX_RUNS ? -EINVAL : 0;
	case 's':
		o->seed = strtoull(optarg, NULL, 0);
		return 0;
	case 'w':
		o->cg_child = strtol(optarg, NULL, 10);
		return o->cg_child < 0 || o->cg_child >= cli->cg_max ? -EINVAL : 0;
	case 'h':
		fputs(cli->usage, stdout);
		exit(0);
	default:
		if (c != '?' && cli->parse)
			return cli->parse(cli->arg, c, optarg);
		return -EINVAL;
	}
}

int bench_parse(const struct bench_cli *cli, struct bench_opts *o, int argc, char **argv)
{
	struct option lo[MAX_OPTS];
	int c;

	*o = (struct bench_opts){ .runs = cli->runs, .seed = 1, .cg_child = -1 };
	if (build_longopts(cli, lo))
		return -EINVAL;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (parse_one(cli, o, c)) {
			fputs(cli->usage, stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fputs(cli->usage, stderr);
		return -EINVAL;
	}
	return 0;
}

void bench_add(struct samples *s, double v)
{
	if (s->n < BENCH_MAX_RUNS)
		s->v[s->n++] = v;
}

int bench_interleave(unsigned int nr, unsigned int first,
		     int (*fn)(void *arg, unsigned int impl), void *arg, double *t)
{
	for (unsigned int k = 0; k < nr; k++) {
		unsigned int impl = (first + k) % nr;
		double t0 = bench_now();
		int rc = fn(arg, impl);

		if (rc)
			return rc;
		t[impl] = bench_now() - t0;
	}
	return 0;
}

void bench_pair_add(struct bench_pair *p, double lib, double base)
{
	if (p->t[BENCH_LIB].n < BENCH_MAX_RUNS)
		p->ratio[p->t[BENCH_LIB].n] = lib / base;
	bench_add(&p->t[BENCH_LIB], lib);
	bench_add(&p->t[BENCH_BASE], base);
}

void bench_fig_of(const struct bench_pair *p, double mul, double div, struct bench_fig *f)
{
	const struct samples *l = &p->t[BENCH_LIB], *b = &p->t[BENCH_BASE];

	f->best = bench_best(l) * mul / div;
	f->med = bench_median(l->v, l->n) * mul / div;
	f->base_med = bench_median(b->v, b->n) * mul / div;
	f->ratio = bench_median(p->ratio, l->n);
	f->ratio_best = bench_best(b) > 0 ? bench_best(l) / bench_best(b) : 0;
}

/* ---- callgrind ----------------------------------------------------------- */

double bench_cg_find(const char *report, const char *fn)
{
	char pat[64];
	const char *p;
	double v = 0;

	snprintf(pat, sizeof(pat), ":%s ", fn);
	p = strstr(report, pat);
	if (!p) {
		snprintf(pat, sizeof(pat), ":%s\n", fn);
		p = strstr(report, pat);
	}
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

void bench_cg_ir(const char *report, const char *const *names, unsigned int n,
		 double per, double *ir)
{
	for (unsigned int i = 0; i < n; i++) {
		double v = bench_cg_find(report, names[i]);

		if (v >= 0)
			ir[i] = v / per;
	}
}

static char *slurp(FILE *f)
{
	size_t len = 0, alloc = 65536;
	char *buf = malloc(alloc);

	if (!buf)
		return NULL;
	for (size_t k; (k = fread(buf + len, 1, alloc - len - 1, f)) > 0;) {
		len += k;
		if (len + 1 < alloc)
			continue;
		char *nbuf = realloc(buf, alloc *= 2);

		if (!nbuf) {
			free(buf);
			return NULL;
		}
		buf = nbuf;
	}
	buf[len] = 0;
	return buf;
}

/* One child under callgrind: its annotated report, or NULL. */
static char *cg_child(const struct bench_cg *cg, const char *dir, const char *self,
		      unsigned int i, int *rc)
{
	char cmd[1024], *report;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --collect-atstart=no '--toggle-collect=cg_*' "
		 "--callgrind-out-file=%s/cg.out -q '%s' --%s %u --seed %" PRIu64 "%s"
		 " && callgrind_annotate --inclusive=yes --threshold=100 %s/cg.out;"
		 " rm -f %s/cg.out", dir, self, cg->cg_opt, i, cg->seed, cg->args, dir, dir);
	f = popen(cmd, "r");
	if (!f) {
		*rc = -errno;
		return NULL;
	}
	report = slurp(f);
	if (pclose(f) || !report) {
		free(report);
		*rc = -EIO;
		return NULL;
	}
	return report;
}

int bench_callgrind(const struct bench_cg *cg)
{
	char dir[64], self[512];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc = 0;

	snprintf(dir, sizeof(dir), "/tmp/%s-XXXXXX", cg->prog);
	if (len <= 0 || !mkdtemp(dir)) {
		rc = -errno;
		goto out;
	}
	self[len] = 0;
	for (unsigned int i = 0; i < cg->n && !rc; i++) {
		char *report;

		if (cg->skip && cg->skip(cg->arg, i))
			continue;
		report = cg_child(cg, dir, self, i, &rc);
		if (report)
			cg->got(cg->arg, i, report);
		free(report);
	}
	rmdir(dir);
out:
	if (rc)
		fprintf(stderr, "%s: callgrind failed; is valgrind installed?\n", cg->prog);
	return rc;
}

/* ---- report -------------------------------------------------------------- */

void bench_ratio_text(char *buf, size_t len, const struct bench_fig *f)
{
	snprintf(buf, len, "%.2f (%.2f)", f->ratio, f->ratio_best);
}

void bench_ir_text(const double *ir, int dec, char out[3][16])
{
	strcpy(out[0], "-");
	strcpy(out[1], "-");
	strcpy(out[2], "-");
	if (ir[BENCH_LIB] >= 0 && ir[BENCH_BASE] > 0) {
		snprintf(out[0], 16, "%.*f", dec, ir[BENCH_LIB]);
		snprintf(out[1], 16, "%.*f", dec, ir[BENCH_BASE]);
		snprintf(out[2], 16, "%.2f", ir[BENCH_LIB] / ir[BENCH_BASE]);
	}
}

void bench_json_head(const char *name, const struct bench_opts *o)
{
	printf("{\"bench\":\"%s\",\"version\":\"%s\",\"seed\":%" PRIu64 ",\"runs\":%u", name,
	       IOK_VERSION, o->seed, o->runs);
}

void bench_json_fig(const char *unit, const struct bench_fig *f)
{
	printf("\"ns_per_%s\":{\"best\":%.3f,\"median\":%.3f},"
	       "\"baseline_ns_per_%s\":{\"median\":%.3f},"
	       "\"ratio\":{\"median\":%.3f,\"best\":%.3f}",
	       unit, f->best, f->med, unit, f->base_med, f->ratio, f->ratio_best);
}

void bench_json_ir(const char *unit, int dec, const double *ir)
{
	if (ir[BENCH_LIB] >= 0 && ir[BENCH_BASE] > 0)
		printf("\"ir_per_%s\":%.*f,\"baseline_ir_per_%s\":%.*f,\"ir_ratio\":%.3f",
		       unit, dec, ir[BENCH_LIB], unit, dec, ir[BENCH_BASE],
		       ir[BENCH_LIB] / ir[BENCH_BASE]);
	else
		printf("\"ir_per_%s\":null,\"baseline_ir_per_%s\":null,\"ir_ratio\":null",
		       unit, unit);
}

void bench_print_item(unsigned int i, const char *name, const char *label)
{
	printf("%s %s: %s", i ? ";" : "", name, label);
}

void bench_print_error(const char *prog, int rc, const char *eio)
{
	fprintf(stderr, "%s: %s\n", prog, rc == -EIO ? eio : strerror(-rc));
}
