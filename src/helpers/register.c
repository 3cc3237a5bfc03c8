/* SPDX-License-Identifier: MIT */
/* Registering the helper and kfunc tables with a VM; the trace output sink. */
#include <errno.h>

#include "helpers/helpers.h"
#include "helpers/kfuncs.h"
#include "vm/prog.h"

int bpfrt_vm__register_kernel_helpers(struct bpfrt_vm *vm)
{
	uint32_t n, k;
	const struct helper_proto *h = helper_proto_table(&n);
	const struct kfunc_proto *kf = kfunc_table(&k);
	int err;

	if (!vm)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (h[i].fn && (err = bpfrt_vm__register_helper(vm, h[i].id, h[i].name, h[i].fn)))
			return err;
	for (uint32_t i = 0; i < k; i++)
		if (kf[i].fn &&
		    (err = bpfrt_vm__register_helper(vm, BPFRT_KFUNC_ID_BASE + i, kf[i].name, kf[i].fn)))
			return err;
	return 0;
}

void bpfrt_vm__set_trace_output(struct bpfrt_vm *vm, bpfrt_trace_output_fn fn, void *ctx)
{
	if (!vm)
		return;
	vm->trace_fn = fn;
	vm->trace_ctx = ctx;
}
