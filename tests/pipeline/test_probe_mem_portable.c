/* SPDX-License-Identifier: MIT */
/*
 * The interpreter's fault-safe loads on machines without exception tables
 * (vm/probe_mem.h: probe_load_portable_*, through safe_read()), run here on
 * x86-64 where the engines use fault tables: valid memory of each width
 * (zero- and sign-extended), NULL and addresses below 64 KiB, a page
 * without access, an unmapped page, a load running off the end of a
 * readable page, kernel and non-canonical addresses; and safe_read()'s
 * pipe fallback (used where process_vm_readv() is forbidden) on the same
 * addresses. A build with -DBPFRT_PROBE_MEM_PORTABLE=ON runs the
 * interpreter itself over these loads (test_probe_mem).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <setjmp.h>

#include <cmocka.h>

#include "helpers/safe_read.h"
#include "vm/probe_mem.h"

static size_t page;
static char *two;	   /* two pages: the first readable, the second without access */
static uint64_t none;	   /* an address in the page without access */
static uint64_t unmapped;  /* an address in a page unmapped again */

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void test_valid(void **state)
{
	(void)state;
	static const uint64_t v = 0x8877665544332211ull;
	static const int64_t neg = -2;
	uint64_t a = addr(&v);
	assert_int_equal(probe_load_portable_u64(a), v);
	assert_int_equal(probe_load_portable_u32(a), 0x44332211u);
	assert_int_equal(probe_load_portable_u32(a + 4), 0x88776655u);
	assert_int_equal(probe_load_portable_u16(a), 0x2211u);
	assert_int_equal(probe_load_portable_u8(a + 7), 0x88u);
	/* zero-extended, not sign-extended */
	assert_int_equal(probe_load_portable_u32(addr(&neg)), 0xfffffffeu);
	assert_int_equal(probe_load_portable_u16(addr(&neg)), 0xfffeu);
	assert_int_equal(probe_load_portable_u8(addr(&neg)), 0xfeu);
	assert_int_equal(probe_load_portable_s32(addr(&neg)), UINT64_MAX - 1);
	assert_int_equal(probe_load_portable_s16(addr(&neg)), UINT64_MAX - 1);
	assert_int_equal(probe_load_portable_s8(addr(&neg)), UINT64_MAX - 1);
	assert_int_equal(probe_load_portable_s8(a + 7), (uint64_t)(int64_t)(int8_t)0x88);
	assert_int_equal(probe_load_portable_s32(a), 0x44332211u);
	/* unaligned, and the last bytes of a readable page */
	memcpy(two + page - 8, &v, 8);
	assert_int_equal(probe_load_portable_u64(addr(two + page - 8)), v);
	assert_int_equal(probe_load_portable_u32(addr(two + page - 4)), 0x88776655u);
	assert_int_equal(probe_load_portable_u32(addr(two + page - 5)), 0x77665544u);
	assert_int_equal(probe_load_portable_u8(addr(two + page - 1)), 0x88u);
}

static void bad_reads_zero(uint64_t a)
{
	assert_int_equal(probe_load_portable_u64(a), 0);
	assert_int_equal(probe_load_portable_u32(a), 0);
	assert_int_equal(probe_load_portable_u16(a), 0);
	assert_int_equal(probe_load_portable_u8(a), 0);
	assert_int_equal(probe_load_portable_s32(a), 0);
	assert_int_equal(probe_load_portable_s16(a), 0);
	assert_int_equal(probe_load_portable_s8(a), 0);
}

static void test_null_and_low(void **state)
{
	(void)state;
	static const uint64_t low[] = { 0, 8, 0x1000, PROBE_MEM_MIN_ADDR - 8,
					PROBE_MEM_MIN_ADDR - 1 };
	for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++)
		bad_reads_zero(low[i]);
}

static void test_bad_pages(void **state)
{
	(void)state;
	bad_reads_zero(none);
	bad_reads_zero(unmapped);
	bad_reads_zero(0xffffffff81000000ull); /* a kernel address */
	bad_reads_zero(0x8000000000000000ull); /* non-canonical */
	bad_reads_zero(UINT64_MAX - 3);	       /* wraps past the end */
	/* partly readable: the load runs into the page without access */
	assert_int_equal(probe_load_portable_u64(addr(two + page - 4)), 0);
	assert_int_equal(probe_load_portable_s32(addr(two + page - 2)), 0);
	assert_int_equal(probe_load_portable_u16(addr(two + page - 1)), 0);
}

/* safe_read()'s fallback where process_vm_readv() is forbidden */
static void test_pipe_fallback(void **state)
{
	(void)state;
	uint64_t v = 0x0102030405060708ull, out = 0;
	assert_int_equal(safe_read_pipe(&out, &v, 8), 8);
	assert_int_equal(out, v);
	out = 0;
	assert_int_equal(safe_read_pipe(&out, (const void *)(uintptr_t)none, 8), 0);
	assert_int_equal(safe_read_pipe(&out, (const void *)(uintptr_t)unmapped, 8), 0);
	assert_int_equal(safe_read_pipe(&out, NULL, 8), 0);
	assert_int_equal(out, 0);
	/* a read running into the page without access stops before it */
	memcpy(two + page - 8, &v, 8);
	size_t got = safe_read_pipe(&out, two + page - 4, 8);
	assert_true(got <= 4);
	assert_int_equal(safe_read(&out, two + page - 8, 8), 8);
	assert_int_equal(out, v);
}

static int setup(void **state)
{
	(void)state;
	page = (size_t)sysconf(_SC_PAGESIZE);
	two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two == MAP_FAILED || mprotect(two + page, page, PROT_NONE))
		return -1;
	none = addr(two + page) + 16;
	void *m = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m, page))
		return -1;
	unmapped = addr(m) + 8;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	munmap(two, 2 * page);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_null_and_low),
		cmocka_unit_test(test_bad_pages),
		cmocka_unit_test(test_pipe_fallback),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
