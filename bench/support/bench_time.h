/* SPDX-License-Identifier: MIT */
/* Timing and statistics shared by the benchmark programs. */
#ifndef BPFRT_BENCH_TIME_H
#define BPFRT_BENCH_TIME_H

#include <stdlib.h>
#include <time.h>

/* CPU time of this thread, in ns: time the scheduler gives to others on a
 * shared machine is not counted, as the kernel's test-run timer leaves out
 * the time it is rescheduled. */
static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts the n (> 0) samples; their minimum and median. */
static inline void bench_min_median(double *s, unsigned n, double *min, double *median)
{
	qsort(s, n, sizeof(double), bench_cmp_double);
	*min = s[0];
	*median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

#endif /* BPFRT_BENCH_TIME_H */
