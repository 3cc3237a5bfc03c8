/* Every bundled example object opens, and its programs, maps, relocations,
 * function and line info come out exactly as the source says. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/object.h"
#include "isa/opcodes.h"

/* Each example in every build variant (clang-14 ones exist for some). */
static const char *const variants[] = { "v3", "v4", "clang14" };

static struct bpfrt_object *open_example(const char *name, const char *variant)
{
	char path[512], log[256] = "";
	snprintf(path, sizeof(path), "%s/%s.%s.o", BPF_EXAMPLES_DIR, name, variant);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL; /* variant not built (clang-14 absent or not requested) */
	fclose(f);
	struct bpfrt_object_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_file(path, &opts);
	if (!obj)
		fail_msg("%s: %s", path, log);
	assert_string_equal(log, "");
	return obj;
}

#define FOR_EACH_VARIANT(name, obj)                                                   \
	for (size_t vi_ = 0; vi_ < sizeof(variants) / sizeof(variants[0]); vi_++)     \
		for (struct bpfrt_object *obj = open_example(name, variants[vi_]); obj; \
		     bpfrt_object__close(obj), obj = NULL)

static struct bpfrt_program *prog_named(struct bpfrt_object *obj, const char *name)
{
	struct bpfrt_program *p = bpfrt_object__find_prog(obj, name);
	if (!p)
		fail_msg("no program %s", name);
	return p;
}

/* Every relocated instruction is a valid form, and every pseudo call and
 * function address lands inside the program. */
static void check_valid(const struct bpfrt_program *p)
{
	const struct bpfrt_insn *in = bpfrt_program__insns(p);
	size_t n = bpfrt_program__insn_cnt(p);
	for (size_t i = 0; i < n; i += isa_insn_slots(&in[i])) {
		const char *why = NULL;
		if (isa_insn_check(&in[i], i + 1 < n ? &in[i + 1] : NULL, &why))
			fail_msg("%s insn %zu: %s", bpfrt_program__name(p), i, why);
		bool local_call = in[i].code == (BPFRT_JMP | BPFRT_CALL) && in[i].src_reg == BPFRT_PSEUDO_CALL;
		bool func_addr = BPFRT_INSN_IS_LDDW(&in[i]) && in[i].src_reg == BPFRT_PSEUDO_FUNC;
		if (local_call || func_addr) {
			long t = (long)i + in[i].imm + 1;
			assert_true(t >= (long)bpfrt_program__main_insn_cnt(p) || local_call);
			assert_true(t >= 0 && t < (long)n);
		}
	}
}

static size_t count_lddw(const struct bpfrt_program *p, unsigned src, int32_t imm, int32_t imm2)
{
	const struct bpfrt_insn *in = bpfrt_program__insns(p);
	size_t n = bpfrt_program__insn_cnt(p), c = 0;
	for (size_t i = 0; i + 1 < n; i += isa_insn_slots(&in[i]))
		if (BPFRT_INSN_IS_LDDW(&in[i]) && in[i].src_reg == src && in[i].imm == imm &&
		    in[i + 1].imm == imm2)
			c++;
	return c;
}

static void test_hash_counter(void **state)
{
	(void)state;
	int seen = 0;
	FOR_EACH_VARIANT("hash_counter", obj) {
		seen++;
		assert_string_equal(bpfrt_object__license(obj), "GPL");
		assert_int_equal(bpfrt_object__prog_cnt(obj), 1);
		struct bpfrt_program *p = prog_named(obj, "count_calls");
		assert_string_equal(bpfrt_program__section(p), "uprobe");
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_UPROBE);
		assert_null(bpfrt_program__attach_target(p)->raw);
		assert_int_equal(bpfrt_program__type(p), 2 /* BPF_PROG_TYPE_KPROBE */);
		assert_int_equal(bpfrt_program__insn_cnt(p), bpfrt_program__main_insn_cnt(p));
		check_valid(p);
		/* lookup and update both load map 0 */
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 0, 0), 2);
		assert_int_equal(bpfrt_object__map_cnt(obj), 1);
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, 0);
		assert_string_equal(m->name, "counts");
		assert_int_equal(m->origin, BPFRT_MAP_BTF);
		assert_int_equal(m->type, 1 /* HASH */);
		assert_int_equal(m->key_size, 8);
		assert_int_equal(m->value_size, 8);
		assert_int_equal(m->max_entries, 1024);
		assert_int_equal(m->map_flags, 0);
		assert_int_not_equal(m->btf_key_type_id, 0);
		assert_int_equal(m->inner_map_idx, -1);
		assert_int_equal(bpfrt_object__find_map(obj, "counts"), 0);
		assert_int_equal(bpfrt_object__find_map(obj, "nope"), -ENOENT);
		assert_non_null(bpfrt_object__btf(obj));
	}
	assert_int_equal(seen, 3);
}

static void test_global_data(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum bpfrt_map_origin origin;
		uint32_t size, flags;
		bool frozen;
	} want[] = {
		{ ".rodata", BPFRT_MAP_RODATA, 16, 0x480, true },
		{ ".data", BPFRT_MAP_DATA, 8, 0x400, false },
		{ ".data.stats", BPFRT_MAP_DATA, 8, 0x400, false },
		{ ".bss", BPFRT_MAP_BSS, 64, 0x400, false },
	};
	FOR_EACH_VARIANT("global_data", obj) {
		assert_string_equal(bpfrt_object__license(obj), "Dual MIT/GPL");
		assert_int_equal(bpfrt_object__map_cnt(obj), 4);
		for (size_t i = 0; i < 4; i++) {
			const struct bpfrt_map_spec *m = bpfrt_object__map(obj, i);
			assert_string_equal(m->name, want[i].name);
			assert_int_equal(m->origin, want[i].origin);
			assert_int_equal(m->type, 2 /* ARRAY */);
			assert_int_equal(m->key_size, 4);
			assert_int_equal(m->value_size, want[i].size);
			assert_int_equal(m->max_entries, 1);
			assert_int_equal(m->map_flags, want[i].flags);
			assert_int_equal(m->frozen, want[i].frozen);
			assert_int_not_equal(m->btf_value_type_id, 0);
		}
		const struct bpfrt_map_spec *ro = bpfrt_object__map(obj, 0);
		assert_int_equal(ro->init_size, 16);
		uint32_t mask;
		uint64_t scale, calls;
		memcpy(&mask, ro->init_data, 4);
		memcpy(&scale, (const char *)ro->init_data + 8, 8);
		assert_int_equal(mask, 7);
		assert_int_equal(scale, 3);
		memcpy(&calls, bpfrt_object__map(obj, 1)->init_data, 8);
		assert_int_equal(calls, 100);
		assert_null(bpfrt_object__map(obj, 3)->init_data);
		assert_null(bpfrt_object__map(obj, 4));

		struct bpfrt_program *p = prog_named(obj, "global_data");
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_SOCKET);
		check_valid(p);
		/* slot_mask at .rodata+0, scale at .rodata+8, calls, bytes_seen, slots */
		assert_true(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 0, 0) >= 1);
		assert_true(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 0, 8) >= 1);
		assert_true(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 1, 0) >= 1);
		assert_true(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 2, 0) >= 1);
		assert_true(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 3, 0) >= 1);
	}
}

static void test_subprog(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("subprog", obj) {
		struct bpfrt_program *tc = prog_named(obj, "subprog_tc");
		assert_int_equal(bpfrt_program__attach_kind(tc), BPFRT_ATTACH_TC);
		assert_int_equal(bpfrt_program__main_insn_cnt(tc), 5);
		/* sum_squares (7 slots) then square (3 slots) appended */
		assert_int_equal(bpfrt_program__insn_cnt(tc), 15);
		const struct bpfrt_insn *in = bpfrt_program__insns(tc);
		assert_int_equal(in[3].code, BPFRT_JMP | BPFRT_CALL);
		assert_int_equal(in[3].src_reg, BPFRT_PSEUDO_CALL);
		assert_int_equal(3 + in[3].imm + 1, 5);
		assert_int_equal(6 + in[6].imm + 1, 12);
		assert_int_equal(9 + in[9].imm + 1, 12);
		check_valid(tc);
		size_t n;
		const struct bpfrt_func_info *fi = bpfrt_program__func_info(tc, &n);
		assert_int_equal(n, 3);
		assert_int_equal(fi[0].insn_idx, 0);
		assert_string_equal(fi[0].name, "subprog_tc");
		assert_int_equal(fi[1].insn_idx, 5);
		assert_string_equal(fi[1].name, "sum_squares");
		assert_int_equal(fi[2].insn_idx, 12);
		assert_string_equal(fi[2].name, "square");
		const struct bpfrt_line_info *li = bpfrt_program__line_info(tc, &n);
		assert_true(n >= 4);
		assert_int_equal(li[0].insn_idx, 0);
		assert_non_null(strstr(li[0].file, "subprog.bpf.c"));
		assert_int_equal(li[0].line_num, 21);
		assert_string_equal(li[0].line, "\t__u32 v = *(__u32 *)ctx;");
		const struct bpfrt_line_info *at = bpfrt_program__line_at(tc, 13);
		assert_non_null(at);
		assert_true(at->insn_idx >= 12 && at->line_num >= 10 && at->line_num <= 11);

		struct bpfrt_program *tp = prog_named(obj, "subprog_tp");
		assert_int_equal(bpfrt_program__attach_kind(tp), BPFRT_ATTACH_TRACEPOINT);
		const struct bpfrt_attach_target *t = bpfrt_program__attach_target(tp);
		assert_string_equal(t->raw, "syscalls/sys_enter_openat");
		assert_string_equal(t->category, "syscalls");
		assert_string_equal(t->name, "sys_enter_openat");
		assert_int_equal(bpfrt_program__main_insn_cnt(tp), 4);
		assert_int_equal(bpfrt_program__insn_cnt(tp), 7);
		in = bpfrt_program__insns(tp);
		assert_int_equal(1 + in[1].imm + 1, 4);
		check_valid(tp);
		bpfrt_program__func_info(tp, &n);
		assert_int_equal(n, 2);
	}
}

static void test_loop_callback(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("loop", obj) {
		assert_int_equal(bpfrt_object__prog_cnt(obj), 2);
		struct bpfrt_program *b = prog_named(obj, "bounded_loop");
		assert_int_equal(bpfrt_program__attach_kind(b), BPFRT_ATTACH_PERF_EVENT);
		assert_int_equal(bpfrt_program__insn_cnt(b), bpfrt_program__main_insn_cnt(b));
		check_valid(b);
		struct bpfrt_program *c = prog_named(obj, "callback_loop");
		check_valid(c);
		const struct bpfrt_insn *in = bpfrt_program__insns(c);
		size_t n = bpfrt_program__insn_cnt(c), found = 0;
		for (size_t i = 0; i + 1 < n; i++)
			if (BPFRT_INSN_IS_LDDW(&in[i]) && in[i].src_reg == BPFRT_PSEUDO_FUNC) {
				assert_int_equal(i + in[i].imm + 1, bpfrt_program__main_insn_cnt(c));
				found++;
			}
		assert_int_equal(found, 1);
		size_t fn;
		const struct bpfrt_func_info *fi = bpfrt_program__func_info(c, &fn);
		assert_int_equal(fn, 2);
		assert_string_equal(fi[1].name, "add_one");
	}
}

static void test_uprobe_targets(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("uprobe", obj) {
		assert_int_equal(bpfrt_object__prog_cnt(obj), 3);
		struct bpfrt_program *p = prog_named(obj, "on_request");
		const struct bpfrt_attach_target *t = bpfrt_program__attach_target(p);
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_UPROBE);
		assert_string_equal(t->raw, "/usr/bin/bpfrt-target:handle_request+4");
		assert_string_equal(t->binary, "/usr/bin/bpfrt-target");
		assert_string_equal(t->func, "handle_request");
		assert_int_equal(t->offset, 4);
		check_valid(p);
		size_t n;
		const struct bpfrt_core_relo *cr = bpfrt_program__core_relos(p, &n);
		assert_int_equal(n, 1);
		assert_string_equal(cr[0].access_str, "0:1");
		assert_int_equal(cr[0].kind, 0 /* BPF_CORE_FIELD_BYTE_OFFSET */);

		p = prog_named(obj, "on_request_ret");
		t = bpfrt_program__attach_target(p);
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_URETPROBE);
		assert_string_equal(t->func, "handle_request");
		assert_int_equal(t->offset, 0);

		p = prog_named(obj, "on_done");
		t = bpfrt_program__attach_target(p);
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_USDT);
		assert_string_equal(t->binary, "/usr/bin/bpfrt-target");
		assert_string_equal(t->provider, "bpfrt");
		assert_string_equal(t->name, "request_done");
		assert_int_equal(bpfrt_object__map(obj, 0)->type, 2);
	}
}

static void test_kfunc(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("kfunc", obj) {
		struct bpfrt_program *p = prog_named(obj, "session");
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_FSESSION);
		assert_string_equal(bpfrt_program__attach_target(p)->func, "handle_request");
		assert_int_equal(bpfrt_program__type(p), 26 /* BPF_PROG_TYPE_TRACING */);
		size_t n;
		const struct bpfrt_kfunc_call *k = bpfrt_program__kfunc_calls(p, &n);
		assert_int_equal(n, 2);
		assert_string_equal(k[0].name, "bpf_session_cookie");
		assert_string_equal(k[1].name, "bpf_session_is_return");
		const struct bpfrt_insn *in = bpfrt_program__insns(p);
		for (size_t i = 0; i < n; i++) {
			assert_int_not_equal(k[i].btf_id, 0);
			assert_int_equal(in[k[i].insn_idx].code, BPFRT_JMP | BPFRT_CALL);
			assert_int_equal(in[k[i].insn_idx].src_reg, BPFRT_PSEUDO_KFUNC_CALL);
			assert_int_equal(in[k[i].insn_idx].imm, 0);
		}
	}
}

static void test_xdp_ringbuf_legacy(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("xdp_count", obj) {
		struct bpfrt_program *p = prog_named(obj, "xdp_count");
		assert_int_equal(bpfrt_program__attach_kind(p), BPFRT_ATTACH_XDP);
		assert_int_equal(bpfrt_program__type(p), 6 /* BPF_PROG_TYPE_XDP */);
		check_valid(p);
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, 0);
		assert_string_equal(m->name, "proto_count");
		assert_int_equal(m->type, 6 /* PERCPU_ARRAY */);
		assert_int_equal(m->max_entries, 256);
	}
	FOR_EACH_VARIANT("ringbuf", obj) {
		struct bpfrt_program *p = prog_named(obj, "ringbuf_malloc");
		assert_string_equal(bpfrt_program__attach_target(p)->binary, "/proc/self/exe");
		assert_string_equal(bpfrt_program__attach_target(p)->func, "malloc");
		check_valid(p);
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, 0);
		assert_int_equal(m->type, 27 /* RINGBUF */);
		assert_int_equal(m->max_entries, 4096);
		assert_int_equal(m->key_size, 0);
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 0, 0), 2);
	}
	FOR_EACH_VARIANT("legacy_maps", obj) {
		assert_int_equal(bpfrt_object__kversion(obj), 0x060100);
		assert_int_equal(bpfrt_object__map_cnt(obj), 2);
		const struct bpfrt_map_spec *a = bpfrt_object__map(obj, 0), *h = bpfrt_object__map(obj, 1);
		assert_string_equal(a->name, "legacy_array");
		assert_int_equal(a->origin, BPFRT_MAP_LEGACY);
		assert_int_equal(a->type, 2);
		assert_int_equal(a->value_size, 8);
		assert_int_equal(a->max_entries, 4);
		assert_string_equal(h->name, "legacy_hash");
		assert_int_equal(h->map_flags, 1 /* BPF_F_NO_PREALLOC */);
		struct bpfrt_program *p = prog_named(obj, "legacy");
		assert_string_equal(bpfrt_program__attach_target(p)->func, "do_sys_open");
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 0, 0), 1);
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 1, 0), 1);
	}
}

static void test_map_in_map(void **state)
{
	(void)state;
	FOR_EACH_VARIANT("map_in_map", obj) {
		/* six .maps entries in section order, .rodata, then the inner specs */
		assert_int_equal(bpfrt_object__map_cnt(obj), 9);
		assert_string_equal(bpfrt_object__map(obj, 0)->name, "inner_a");
		assert_string_equal(bpfrt_object__map(obj, 1)->name, "inner_b");
		const struct bpfrt_map_spec *outer = bpfrt_object__map(obj, 2);
		assert_string_equal(outer->name, "outer");
		assert_int_equal(outer->type, 12 /* ARRAY_OF_MAPS */);
		assert_int_equal(outer->max_entries, 2);
		assert_int_equal(outer->key_size, 4);
		assert_int_equal(outer->value_size, 4);
		assert_int_equal(outer->inner_map_idx, 7);
		const struct bpfrt_map_spec *inner = bpfrt_object__map(obj, 7);
		assert_string_equal(inner->name, "outer.inner");
		assert_int_equal(inner->type, 2);
		assert_int_equal(inner->max_entries, 4);
		assert_int_equal(inner->value_size, 8);
		/* .values = { [0] = &inner_a, [1] = &inner_b } */
		assert_int_equal(outer->init_slot_cnt, 2);
		assert_int_equal(outer->init_slots[0], 0);
		assert_int_equal(outer->init_slots[1], 1);
		const struct bpfrt_map_spec *by_id = bpfrt_object__map(obj, 3);
		assert_string_equal(by_id->name, "by_id");
		assert_int_equal(by_id->type, 13 /* HASH_OF_MAPS */);
		assert_int_equal(by_id->inner_map_idx, 8);
		assert_string_equal(bpfrt_object__map(obj, 8)->name, "by_id.inner");
		/* .values = { [7] = &inner_b } */
		assert_int_equal(by_id->init_slot_cnt, 8);
		for (uint32_t k = 0; k < 7; k++)
			assert_int_equal(by_id->init_slots[k], -1);
		assert_int_equal(by_id->init_slots[7], 1);
		assert_int_equal(bpfrt_object__map(obj, 0)->init_slot_cnt, 0);
		const struct bpfrt_map_spec *jt = bpfrt_object__map(obj, 4);
		assert_string_equal(jt->name, "jump_table");
		assert_int_equal(jt->type, 3 /* PROG_ARRAY */);
		assert_int_equal(jt->key_size, 4);
		assert_int_equal(jt->value_size, 4);
		assert_int_equal(jt->inner_map_idx, -1);
		/* .values = { [0] = &tail_target }: program 0 */
		assert_int_equal(jt->init_slot_cnt, 1);
		assert_int_equal(jt->init_slots[0], 0);
		assert_string_equal(bpfrt_program__name(bpfrt_object__prog(obj, 0)), "tail_target");
		const struct bpfrt_map_spec *lru = bpfrt_object__map(obj, 5);
		assert_string_equal(lru->name, "recent");
		assert_int_equal(lru->type, 9 /* LRU_HASH */);
		assert_int_equal(lru->map_flags, 2 /* BPF_F_NO_COMMON_LRU */);
		assert_int_equal(lru->max_entries, 128);
		assert_string_equal(bpfrt_object__map(obj, 6)->name, ".rodata");

		/* three programs in one section */
		assert_int_equal(bpfrt_object__prog_cnt(obj), 3);
		assert_string_equal(bpfrt_program__name(bpfrt_object__prog(obj, 0)), "tail_target");
		struct bpfrt_program *p = prog_named(obj, "dispatch");
		assert_string_equal(bpfrt_program__section(p), "socket");
		check_valid(p);
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 2, 0), 1);
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 4, 0), 1);
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX, 5, 0), 1); /* jump_table, recent */
		assert_int_equal(count_lddw(p, BPFRT_PSEUDO_MAP_IDX_VALUE, 6, 0), 1);
		size_t n;
		const struct bpfrt_func_info *fi = bpfrt_program__func_info(p, &n);
		assert_int_equal(n, 1);
		assert_string_equal(fi[0].name, "dispatch");
		assert_int_equal(fi[0].insn_idx, 0);
	}
}

/* samples/bpf's legacy layout: inner_map_idx counts definitions in
 * section order (the symbol table lists them in another order here). */
static void test_legacy_map_in_map(void **state)
{
	(void)state;
	int seen = 0;
	FOR_EACH_VARIANT("legacy_map_in_map", obj) {
		seen++;
		assert_int_equal(bpfrt_object__map_cnt(obj), 2);
		int outer = bpfrt_object__find_map(obj, "per_cpu_set");
		int inner = bpfrt_object__find_map(obj, "counters");
		assert_true(outer >= 0 && inner >= 0);
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, (size_t)outer);
		assert_int_equal(m->origin, BPFRT_MAP_LEGACY);
		assert_int_equal(m->type, 12 /* ARRAY_OF_MAPS */);
		assert_int_equal(m->inner_map_idx, inner);
		assert_int_equal(m->init_slot_cnt, 0);
		assert_int_equal(bpfrt_object__map(obj, (size_t)inner)->inner_map_idx, -1);
	}
	assert_int_not_equal(seen, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_counter),
		cmocka_unit_test(test_global_data),
		cmocka_unit_test(test_subprog),
		cmocka_unit_test(test_loop_callback),
		cmocka_unit_test(test_uprobe_targets),
		cmocka_unit_test(test_kfunc),
		cmocka_unit_test(test_xdp_ringbuf_legacy),
		cmocka_unit_test(test_map_in_map),
		cmocka_unit_test(test_legacy_map_in_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
