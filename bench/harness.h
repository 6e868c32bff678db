/* SPDX-License-Identifier: MIT */
/*
 * The bench harness: common options, the interleaved timing of a library
 * and its baselines, per-row figures, the callgrind self-invocation and
 * the pieces of the report every bench prints alike.
 */
#ifndef IOK_BENCH_HARNESS_H
#define IOK_BENCH_HARNESS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/stats.h"

#define NOINLINE	__attribute__((noinline))

/* The options every bench takes: --json --callgrind --runs --seed. */
struct bench_opts {
	bool json;
	bool callgrind;
	int cg_child;		/* the valgrind child: which row, else -1 */
	unsigned int runs;
	uint64_t seed;
};

/* What a bench adds to the common options. */
struct bench_cli {
	const char *usage;	/* the --help text */
	unsigned int runs;	/* default --runs */
	const char *cg_opt;	/* "cg-work": the child's option, NULL: no --callgrind */
	int cg_max;		/* the child's index is below this */
	const struct option *extra;	/* more options, ended by {} */
	int (*parse)(void *arg, int val, const char *optarg);	/* 0 or -EINVAL */
	void *arg;
};

/*
 * Parse argv into @o (and the bench's own options through @cli->parse).
 * --help prints the usage and exits; on a bad option the usage goes to
 * stderr and the result is -EINVAL (the bench then exits with 2).
 */
int bench_parse(const struct bench_cli *cli, struct bench_opts *o, int argc, char **argv);

/* Append one sample. */
void bench_add(struct samples *s, double v);

/*
 * Time fn(arg, impl) once for each of @nr implementations, the first being
 * @first % @nr, into t[impl]: rotating who goes first keeps any of them from
 * always meeting a warm (or cold) cache. Stops at the first non-zero return.
 */
int bench_interleave(unsigned int nr, unsigned int first,
		     int (*fn)(void *arg, unsigned int impl), void *arg, double *t);

/* A library against one baseline: samples of each, per-run ratios, Ir. */
enum { BENCH_LIB, BENCH_BASE };

struct bench_pair {
	struct samples t[2];	/* [BENCH_LIB], [BENCH_BASE] */
	double ratio[BENCH_MAX_RUNS];	/* lib / base within each run */
	double ir[2];		/* instructions per unit, -1 unknown */
};

/* Record one run's times (and their ratio). */
void bench_pair_add(struct bench_pair *p, double lib, double base);

/* The figures of a row, times scaled by mul / div (seconds to ns per unit). */
struct bench_fig {
	double best, med, base_med;
	double ratio, ratio_best;	/* median of per-run ratios; of bests */
};

void bench_fig_of(const struct bench_pair *p, double mul, double div, struct bench_fig *f);

/* ---- callgrind ----------------------------------------------------------- */

/* Inclusive instructions of @fn in callgrind_annotate's report, or -1. */
double bench_cg_find(const char *report, const char *fn);

/* ir[i] = count of names[i] / @per, for each name found in @report. */
void bench_cg_ir(const char *report, const char *const *names, unsigned int n,
		 double per, double *ir);

/* Runs of this program under callgrind, one per child index. */
struct bench_cg {
	const char *prog;	/* "iok-bench-pgtable": messages, temporary dir */
	const char *cg_opt;	/* "cg-work" */
	unsigned int n;		/* children 0 .. n-1 */
	uint64_t seed;
	const char *args;	/* more arguments for the child, "" for none */
	bool (*skip)(void *arg, unsigned int i);	/* optional */
	void (*got)(void *arg, unsigned int i, const char *report);
	void *arg;
};

/*
 * Run each child under valgrind --tool=callgrind, counting only the cg_*
 * functions, and hand callgrind_annotate's report to @cg->got. Prints the
 * reason on stderr and returns a negative errno when it could not.
 */
int bench_callgrind(const struct bench_cg *cg);

/* ---- report -------------------------------------------------------------- */

/* "1.23 (1.20)": the median ratio and the ratio of bests. */
void bench_ratio_text(char *buf, size_t len, const struct bench_fig *f);

/* Ir, base Ir, Ir x as text with @dec decimals for the counts, "-" unknown. */
void bench_ir_text(const double *ir, int dec, char out[3][16]);

/* {"bench":NAME,"version":V,"seed":S,"runs":R (the object left open). */
void bench_json_head(const char *name, const struct bench_opts *o);

/* "ns_per_U":{...},"baseline_ns_per_U":{...},"ratio":{...} */
void bench_json_fig(const char *unit, const struct bench_fig *f);

/* "ir_per_U":..,"baseline_ir_per_U":..,"ir_ratio":.. (null when unknown). */
void bench_json_ir(const char *unit, int dec, const double *ir);

/* The legend line: " NAME: LABEL" items separated by ";". */
void bench_print_item(unsigned int i, const char *name, const char *label);

/* The timed code's complaint in the common words, or strerror. */
void bench_print_error(const char *prog, int rc, const char *eio);

#endif
