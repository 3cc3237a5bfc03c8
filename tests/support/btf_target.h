/* SPDX-License-Identifier: MIT */
/*
 * A traced function's BTF for the BTF-pointer tests, built with libbpf's
 * btf__add_*() (as a tracer would from a target's DWARF), describing the C
 * types below so that programs may read real objects of them:
 *
 *	long bt_target(struct bt_node *n, long x, void *p);
 *	struct bt_node *bt_ret(int k);
 *
 * With BT_TYPES_ONLY defined, only the types (for BPF programs and for a
 * target compiled with clang -target bpf -g, whose .BTF says the same).
 */
#ifndef BPFRT_TESTS_BTF_TARGET_H
#define BPFRT_TESTS_BTF_TARGET_H

struct bt_inner {
	int a;
	int b;
};

struct bt_node {
	long val;	       /* 0 */
	struct bt_node *next;  /* 8 */
	struct bt_inner in;    /* 16 */
	int arr[4];	       /* 24 */
	unsigned flags : 3;    /* 40, a bitfield */
	unsigned pad : 29;
	char *name;	       /* 48 */
	union {		       /* 56 */
		struct bt_inner *up;
		long u2;
		int u1;
	} u;
	struct bt_inner *ip;   /* 64 */
};

#ifndef BT_TYPES_ONLY
#include <stddef.h>

#include <bpf/btf.h>

/* NULL when libbpf cannot build it. Free with btf__free(). */
static inline struct btf *bt_btf_new(void)
{
	struct btf *b = btf__new_empty();
	if (!b)
		return NULL;
	int t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int t_uint = btf__add_int(b, "unsigned int", 4, 0);
	int t_long = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	int t_char = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int t_inner = btf__add_struct(b, "bt_inner", sizeof(struct bt_inner));
	btf__add_field(b, "a", t_int, 0, 0);
	btf__add_field(b, "b", t_int, 32, 0);
	int t_pinner = btf__add_ptr(b, t_inner);
	int t_pchar = btf__add_ptr(b, t_char);
	int t_arr = btf__add_array(b, t_int, t_int, 4);
	int t_union = btf__add_union(b, NULL, 8);
	btf__add_field(b, "up", t_pinner, 0, 0);
	btf__add_field(b, "u2", t_long, 0, 0);
	btf__add_field(b, "u1", t_int, 0, 0);
	/* the pointer first (to the next id): fields go to the last type added */
	int t_pnode = btf__add_ptr(b, (int)btf__type_cnt(b) + 1);
	int t_node = btf__add_struct(b, "bt_node", sizeof(struct bt_node));
	btf__add_field(b, "val", t_long, 0, 0);
	btf__add_field(b, "next", t_pnode, 8 * offsetof(struct bt_node, next), 0);
	btf__add_field(b, "in", t_inner, 8 * offsetof(struct bt_node, in), 0);
	btf__add_field(b, "arr", t_arr, 8 * offsetof(struct bt_node, arr), 0);
	btf__add_field(b, "flags", t_uint, 8 * 40, 3);
	btf__add_field(b, "pad", t_uint, 8 * 40 + 3, 29);
	btf__add_field(b, "name", t_pchar, 8 * offsetof(struct bt_node, name), 0);
	btf__add_field(b, "u", t_union, 8 * offsetof(struct bt_node, u), 0);
	btf__add_field(b, "ip", t_pinner, 8 * offsetof(struct bt_node, ip), 0);
	int t_void_p = btf__add_ptr(b, 0);
	int proto = btf__add_func_proto(b, t_long);
	btf__add_func_param(b, "n", t_pnode);
	btf__add_func_param(b, "x", t_long);
	btf__add_func_param(b, "p", t_void_p);
	int f = btf__add_func(b, "bt_target", BTF_FUNC_GLOBAL, proto);
	int proto2 = btf__add_func_proto(b, t_pnode);
	btf__add_func_param(b, "k", t_int);
	int f2 = btf__add_func(b, "bt_ret", BTF_FUNC_GLOBAL, proto2);
	if (t_int < 0 || t_uint < 0 || t_long < 0 || t_char < 0 || t_inner < 0 || t_pinner < 0 ||
	    t_pchar < 0 || t_arr < 0 || t_union < 0 || t_node < 0 || t_pnode < 0 || t_void_p < 0 ||
	    proto < 0 || f < 0 || proto2 < 0 || f2 < 0) {
		btf__free(b);
		return NULL;
	}
	return b;
}
/* Added to bt_btf_new()'s types for tp_btf and trusted pointers: */
/* A tracepoint and a function taking a struct holding a CPU set:
 *
 *	struct cpumask { unsigned long bits[16]; };
 *	struct bt_task { int pid; struct cpumask mask;    // 8
 *			 struct bt_task *parent;           // 136
 *			 union { struct bt_task *a; long b; } u; };  // 144
 *	struct bt_tiny { int x; struct cpumask mask; };   // a second, 8-byte cpumask
 *	typedef void (*btf_trace_bt_event)(void *__data, struct bt_task *t, long x,
 *					   struct bt_task *maybe__nullable,
 *					   struct bt_tiny *tiny);
 *	int bt_task_fn(struct bt_task *t);
 */
static inline int bt_add_tp_types(struct btf *b)
{
	int t_int = btf__find_by_name_kind(b, "int", BTF_KIND_INT);
	int t_long = btf__find_by_name_kind(b, "long", BTF_KIND_INT);
	int t_ulong = btf__add_int(b, "unsigned long", 8, 0);
	int t_bits = btf__add_array(b, t_int, t_ulong, 16);
	int t_mask = btf__add_struct(b, "cpumask", 128);
	btf__add_field(b, "bits", t_bits, 0, 0);
	int t_bits1 = btf__add_array(b, t_int, t_ulong, 1);
	int t_small = btf__add_struct(b, "cpumask", 8);
	btf__add_field(b, "bits", t_bits1, 0, 0);
	int t_ptask = btf__add_ptr(b, (int)btf__type_cnt(b) + 2); /* the struct after the union */
	int t_union = btf__add_union(b, NULL, 8);
	btf__add_field(b, "a", t_ptask, 0, 0);
	btf__add_field(b, "b", t_long, 0, 0);
	int t_task = btf__add_struct(b, "bt_task", 152);
	btf__add_field(b, "pid", t_int, 0, 0);
	btf__add_field(b, "mask", t_mask, 64, 0);
	btf__add_field(b, "parent", t_ptask, 136 * 8, 0);
	btf__add_field(b, "u", t_union, 144 * 8, 0);
	int t_tiny = btf__add_struct(b, "bt_tiny", 16);
	btf__add_field(b, "x", t_int, 0, 0);
	btf__add_field(b, "mask", t_small, 64, 0);
	int t_ptiny = btf__add_ptr(b, t_tiny);
	int t_vp = btf__add_ptr(b, 0);
	int proto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "__data", t_vp);
	btf__add_func_param(b, "t", t_ptask);
	btf__add_func_param(b, "x", t_long);
	btf__add_func_param(b, "maybe__nullable", t_ptask);
	btf__add_func_param(b, "tiny", t_ptiny);
	int t_fp = btf__add_ptr(b, proto);
	int td = btf__add_typedef(b, "btf_trace_bt_event", t_fp);
	int proto2 = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "t", t_ptask);
	int f = btf__add_func(b, "bt_task_fn", BTF_FUNC_GLOBAL, proto2);
	/* struct bt_task *bt_byval(struct bt_pair16 v, struct bt_task *t):
	 * the struct passed by value takes two u64 slots */
	int t_pair = btf__add_struct(b, "bt_pair16", 16);
	btf__add_field(b, "a", t_long, 0, 0);
	btf__add_field(b, "b", t_long, 64, 0);
	int proto3 = btf__add_func_proto(b, t_ptask);
	btf__add_func_param(b, "v", t_pair);
	btf__add_func_param(b, "t", t_ptask);
	int f3 = btf__add_func(b, "bt_byval", BTF_FUNC_GLOBAL, proto3);
	if (t_pair < 0 || proto3 < 0 || f3 < 0)
		return -1;
	return t_int < 0 || t_long < 0 || t_ulong < 0 || t_bits < 0 || t_mask < 0 || t_bits1 < 0 ||
			       t_small < 0 || t_ptask < 0 || t_union < 0 || t_task < 0 || t_tiny < 0 ||
			       t_ptiny < 0 || t_vp < 0 || proto < 0 || t_fp < 0 || td < 0 ||
			       proto2 < 0 || f < 0
		       ? -1
		       : 0;
}

#endif /* BT_TYPES_ONLY */

#endif /* BPFRT_TESTS_BTF_TARGET_H */
