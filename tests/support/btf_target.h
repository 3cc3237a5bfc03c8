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
#endif /* BT_TYPES_ONLY */

#endif /* BPFRT_TESTS_BTF_TARGET_H */
