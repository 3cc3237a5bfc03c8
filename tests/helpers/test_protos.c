/* SPDX-License-Identifier: MIT */
/* The helper table against the kernel's own list of helper ids and names. */
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/helpers.h"

#define KNAME(x) [BPF_FUNC_##x] = #x
static const char *const kernel_names[] = { __BPF_FUNC_MAPPER(KNAME) };
#define KERNEL_CNT (sizeof(kernel_names) / sizeof(kernel_names[0]))

/* Every helper issue 6 asks for, by kernel name. */
static const char *const required[] = {
	"map_lookup_elem", "map_update_elem", "map_delete_elem", "map_push_elem",
	"map_pop_elem", "map_peek_elem", "ktime_get_ns", "ktime_get_boot_ns",
	"ktime_get_coarse_ns", "get_prandom_u32", "get_smp_processor_id",
	"get_current_pid_tgid", "get_current_uid_gid", "get_current_comm", "trace_printk",
	"snprintf", "probe_read_user", "probe_read_kernel", "probe_read_user_str",
	"probe_read_kernel_str", "ringbuf_output", "ringbuf_reserve", "ringbuf_submit",
	"ringbuf_discard", "ringbuf_query", "perf_event_output", "get_stackid", "get_stack",
	"tail_call", "loop", "for_each_map_elem", "spin_lock", "spin_unlock",
	"get_attach_cookie", "get_func_ip", "get_func_arg", "get_func_ret", "get_func_arg_cnt",
};

static void ids_sorted_unique_and_named_as_kernel(void **state)
{
	(void)state;
	uint32_t n = 0;
	const struct helper_proto *t = helper_proto_table(&n);

	assert_non_null(t);
	assert_true(n >= sizeof(required) / sizeof(required[0]));
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(t[i - 1].id < t[i].id);
		assert_true(t[i].id > 0 && t[i].id < KERNEL_CNT);
		assert_true(t[i].id < BPFRT_MAX_HELPERS);
		assert_string_equal(t[i].name, kernel_names[t[i].id]);
		assert_ptr_equal(helper_proto_find(t[i].id), &t[i]);
		assert_ptr_equal(helper_proto_by_name(t[i].name), &t[i]);
		assert_true(t[i].ret < HELPER_RET_KIND_COUNT);
		for (int a = 0; a < 5; a++)
			assert_true(t[i].args[a] < HELPER_ARG_KIND_COUNT);
	}
}

static void every_required_helper_present(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct helper_proto *p = helper_proto_by_name(required[i]);

		if (!p)
			fail_msg("helper %s missing from the table", required[i]);
		char prefixed[64] = "bpf_";

		strcat(prefixed, required[i]);
		assert_ptr_equal(helper_proto_by_name(prefixed), p);
	}
}

static void lookups_of_unknown_fail(void **state)
{
	(void)state;
	assert_null(helper_proto_find(0));
	assert_null(helper_proto_find(100000));
	assert_null(helper_proto_by_name("no_such_helper"));
	assert_null(helper_proto_by_name(NULL));
}

/* Every row names the program types that may call it; the raw context may
 * call everything, kernel-only kinds nothing (helper_allowed). */
static void every_helper_has_its_program_types(void **state)
{
	(void)state;
	uint32_t n;
	const struct helper_proto *t = helper_proto_table(&n);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(t[i].progs != 0 && !(t[i].progs & ~HELPER_PROGS_ALL));
		assert_true(helper_allowed(&t[i], BPFRT_ATTACH_UNSPEC));
		assert_false(helper_allowed(&t[i], BPFRT_ATTACH_OTHER));
		assert_false(helper_allowed(&t[i], BPFRT_ATTACH_KIND_COUNT));
	}
	const struct helper_proto *arg = helper_proto_find(BPF_FUNC_get_func_arg);
	assert_true(helper_allowed(arg, BPFRT_ATTACH_FEXIT));
	assert_false(helper_allowed(arg, BPFRT_ATTACH_UPROBE));
	const struct helper_proto *rd = helper_proto_find(BPF_FUNC_probe_read);
	assert_true(helper_allowed(rd, BPFRT_ATTACH_USDT));
	assert_true(helper_allowed(rd, BPFRT_ATTACH_PERF_EVENT));
	assert_false(helper_allowed(rd, BPFRT_ATTACH_XDP));
	const struct helper_proto *lb = helper_proto_find(BPF_FUNC_skb_load_bytes);
	assert_true(helper_allowed(lb, BPFRT_ATTACH_CGROUP_SKB));
	assert_false(helper_allowed(lb, BPFRT_ATTACH_XDP));
}

/* Names as the kernel's log prints them, for every id of its UAPI header. */
static void kernel_names_have_the_prefix(void **state)
{
	(void)state;
	assert_string_equal(helper_kernel_name(BPF_FUNC_map_lookup_elem), "bpf_map_lookup_elem");
	assert_string_equal(helper_kernel_name(BPF_FUNC_get_current_task), "bpf_get_current_task");
	assert_string_equal(helper_kernel_name(100000), "unknown");
	uint32_t n;
	const struct helper_proto *t = helper_proto_table(&n);
	for (uint32_t i = 0; i < n; i++)
		assert_string_equal(helper_kernel_name(t[i].id) + 4, t[i].name);
}

/* Spot checks of prototypes against the kernel's func protos. */
static void prototypes_follow_the_kernel(void **state)
{
	(void)state;
	const struct helper_proto *p = helper_proto_find(BPF_FUNC_map_lookup_elem);

	assert_int_equal(p->ret, HELPER_RET_PTR_TO_MAP_VALUE_OR_NULL);
	assert_int_equal(p->args[0], HELPER_ARG_CONST_MAP_PTR);
	assert_int_equal(p->args[1], HELPER_ARG_PTR_TO_MAP_KEY);
	assert_int_equal(p->args[2], HELPER_ARG_NONE);

	p = helper_proto_find(BPF_FUNC_ringbuf_reserve);
	assert_int_equal(p->ret, HELPER_RET_PTR_TO_MEM_OR_NULL);
	assert_int_equal(p->args[1], HELPER_ARG_CONST_ALLOC_SIZE_OR_ZERO);
	assert_true(p->flags & HELPER_F_ACQUIRE);
	assert_true(helper_proto_find(BPF_FUNC_ringbuf_submit)->flags & HELPER_F_RELEASE);

	p = helper_proto_find(BPF_FUNC_loop);
	assert_int_equal(p->args[1], HELPER_ARG_PTR_TO_FUNC);
	assert_true(p->flags & HELPER_F_CALLBACK);
	assert_true(helper_proto_find(BPF_FUNC_tail_call)->flags & HELPER_F_TAIL_CALL);
	assert_int_equal(helper_proto_find(BPF_FUNC_spin_lock)->ret, HELPER_RET_VOID);
	assert_true(helper_proto_find(BPF_FUNC_probe_read_user)->flags & HELPER_F_GPL_ONLY);
	assert_false(helper_proto_find(BPF_FUNC_ktime_get_ns)->flags & HELPER_F_GPL_ONLY);
	assert_int_equal(helper_proto_find(BPF_FUNC_snprintf)->args[2],
			 HELPER_ARG_PTR_TO_CONST_STR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_sorted_unique_and_named_as_kernel),
		cmocka_unit_test(every_required_helper_present),
		cmocka_unit_test(lookups_of_unknown_fail),
		cmocka_unit_test(kernel_names_have_the_prefix),
		cmocka_unit_test(every_helper_has_its_program_types),
		cmocka_unit_test(prototypes_follow_the_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
