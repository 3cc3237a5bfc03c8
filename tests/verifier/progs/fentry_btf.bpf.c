// SPDX-License-Identifier: MIT
/* Tracing programs reading the traced function's argument through its type
 * (`bpfrt verify --target-btf btf_target.o`, tests/verifier/CMakeLists.txt):
 * read_next reads n->next->val and n->in.b (accepted, the loads fault-safe),
 * write_field stores into *n (refused: only read is supported); tp_read is
 * a tp_btf program reading the tracepoint's (trusted) argument. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#define BT_TYPES_ONLY
#include "../../support/btf_target.h"

char LICENSE[] SEC("license") = "GPL";

/* fmod_ret: the program's value is its result (fentry programs must
 * return 0), which the tests read */
SEC("fmod_ret/bt_target")
int read_next(__u64 *ctx)
{
	struct bt_node *n = (struct bt_node *)ctx[0];
	return (int)(n->next->val + n->in.b);
}

SEC("fentry/bt_target")
int write_field(__u64 *ctx)
{
	struct bt_node *n = (struct bt_node *)ctx[0];
	n->val = 1;
	return 0;
}

SEC("tp_btf/bt_event")
int tp_read(__u64 *ctx)
{
	struct bt_node *n = (struct bt_node *)ctx[0];
	return (int)(n->val + ctx[1]);
}
