/* SPDX-License-Identifier: MIT */
/* Timing samples shared by the bench programs. */
#ifndef IOK_BENCH_STATS_H
#define IOK_BENCH_STATS_H

#define BENCH_MAX_RUNS 101

struct samples {
	double v[BENCH_MAX_RUNS];	/* in round order */
	unsigned int n;
};

/* Monotonic time in seconds. */
double bench_now(void);
/* Median of @n values (0 for none). */
double bench_median(const double *v, unsigned int n);
/* The smallest sample (0 for none). */
double bench_best(const struct samples *s);

#endif
