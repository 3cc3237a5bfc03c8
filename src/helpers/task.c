/* SPDX-License-Identifier: MIT */
/*
 * Time, randomness and the current task: the kernel helpers of
 * kernel/bpf/helpers.c, answered for the calling thread of this process.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "helpers/impl.h"

#define UNUSED_ARGS (void)r1, (void)r2, (void)r3, (void)r4, (void)r5, (void)rc

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

HELPER_FN(ktime_get_ns)
{
	UNUSED_ARGS;
	return clock_ns(CLOCK_MONOTONIC);
}

HELPER_FN(ktime_get_boot_ns)
{
	UNUSED_ARGS;
	return clock_ns(CLOCK_BOOTTIME);
}

HELPER_FN(ktime_get_coarse_ns)
{
	UNUSED_ARGS;
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

HELPER_FN(ktime_get_tai_ns)
{
	UNUSED_ARGS;
	return clock_ns(CLOCK_TAI);
}

/* jiffies at the common HZ=250 (CONFIG_HZ_250), counted from boot. */
HELPER_FN(jiffies64)
{
	UNUSED_ARGS;
	return clock_ns(CLOCK_BOOTTIME) / (1000000000ull / 250);
}

/* A per-thread xorshift128+ seeded from getrandom(): like the kernel's
 * per-cpu prandom state, fast and not for cryptography. */
static _Thread_local uint64_t rnd_state[2];

HELPER_FN(get_prandom_u32)
{
	uint64_t s1, s0;

	UNUSED_ARGS;
	if (!rnd_state[0] && !rnd_state[1]) {
		if (getrandom(rnd_state, sizeof(rnd_state), 0) != sizeof(rnd_state) ||
		    (!rnd_state[0] && !rnd_state[1])) {
			rnd_state[0] = clock_ns(CLOCK_MONOTONIC) | 1;
			rnd_state[1] = (uint64_t)gettid() * 0x9e3779b97f4a7c15ull;
		}
	}
	s1 = rnd_state[0];
	s0 = rnd_state[1];
	rnd_state[0] = s0;
	s1 ^= s1 << 23;
	rnd_state[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return (uint32_t)((rnd_state[1] + s0) >> 32);
}

HELPER_FN(get_smp_processor_id)
{
	int cpu = sched_getcpu();

	UNUSED_ARGS;
	return cpu < 0 ? 0 : (uint64_t)cpu;
}

HELPER_FN(get_numa_node_id)
{
	unsigned cpu, node = 0;

	UNUSED_ARGS;
	if (getcpu(&cpu, &node) != 0)
		node = 0;
	return node;
}

/* tgid (the process id) in the upper half, the thread id in the lower. */
HELPER_FN(get_current_pid_tgid)
{
	UNUSED_ARGS;
	return (uint64_t)(uint32_t)getpid() << 32 | (uint32_t)gettid();
}

HELPER_FN(get_current_uid_gid)
{
	UNUSED_ARGS;
	return (uint64_t)getgid() << 32 | getuid();
}

/* long bpf_get_current_comm(void *buf, u32 size): the thread's name,
 * NUL-terminated and zero-padded to `size`. */
HELPER_FN(get_current_comm)
{
	char comm[17] = "";
	char *buf = (char *)(uintptr_t)r1;
	size_t size = (size_t)r2, n;

	UNUSED_ARGS;
	if (!size)
		return 0;
	if (prctl(PR_GET_NAME, comm) != 0) {
		memset(buf, 0, size);
		return (uint64_t)-EINVAL;
	}
	n = strnlen(comm, 16);
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, comm, n);
	memset(buf + n, 0, size - n);
	return 0;
}
