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
