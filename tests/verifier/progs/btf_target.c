// SPDX-License-Identifier: MIT
/* The traced code's side for `bpfrt verify --target-btf` (compiled with
 * clang -target bpf -g only for its .BTF): bt_target's prototype and the
 * types it takes, as a tracer would find them in a target's BTF. */
#define BT_TYPES_ONLY
#include "../../support/btf_target.h"

long bt_target(struct bt_node *n, long x, void *p)
{
	return n->val + x + (p != 0);
}

/* A tracepoint of the traced code (tp_btf/bt_event): the kernel's
 * btf_trace_NAME typedef, whose first parameter is not the program's. */
typedef void (*btf_trace_bt_event)(void *__data, struct bt_node *n, long x);
btf_trace_bt_event bt_event_hook;
