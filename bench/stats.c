// SPDX-License-Identifier: MIT
/* Timing samples: the figures every bench reports are best and median. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/stats.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(const double *v, unsigned int n)
{
	double tmp[BENCH_MAX_RUNS];

	if (!n)
		return 0;
	if (n > BENCH_MAX_RUNS)
		n = BENCH_MAX_RUNS;
	memcpy(tmp, v, n * sizeof(*v));
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

double bench_best(const struct samples *s)
{
	double b = s->n ? s->v[0] : 0;
	unsigned int i;

	for (i = 1; i < s->n; i++)
		if (s->v[i] < b)
			b = s->v[i];
	return b;
}
