/* SPDX-License-Identifier: MIT */
/* Embedding bpfrt: assemble a program, give it a helper, run it on a buffer. */
#include <stdio.h>
#include <stdlib.h>

#include <bpfrt/asm.h>
#include <bpfrt/vm.h>

/* Helper 1: r0 = r1 * r2. The last argument identifies the run. */
static uint64_t mul(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
		    struct bpfrt_run_ctx *rc)
{
	(void)c, (void)d, (void)e, (void)rc;
	return a * b;
}

int main(void)
{
	/* r1 = the buffer, r2 = its size: return mul(buf[0] + buf[1], 2). */
	const char *text = "ldxb %r3, [%r1]\n"
			   "ldxb %r4, [%r1+1]\n"
			   "add %r3, %r4\n"
			   "mov %r1, %r3\n"
			   "mov %r2, 2\n"
			   "call 1\n"
			   "exit\n";
	struct bpfrt_insn *insns;
	size_t cnt;
	if (bpfrt_asm(text, NULL, &insns, &cnt))
		return 1;

	struct bpfrt_vm *vm = bpfrt_vm__new();
	bpfrt_vm__register_helper(vm, 1, "mul", mul);
	char log[256];
	struct bpfrt_prog_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_prog *prog = bpfrt_prog__load(vm, insns, cnt, &opts); /* checked mode */
	if (!prog) {
		fprintf(stderr, "load: %s", log);
		return 1;
	}

	uint8_t buf[2] = { 20, 1 };
	uint64_t r0;
	int err = bpfrt_prog__run(prog, buf, sizeof(buf), &r0, NULL);
	printf("err %d, r0 %llu\n", err, (unsigned long long)r0); /* err 0, r0 42 */

	bpfrt_prog__free(prog);
	bpfrt_vm__free(vm);
	free(insns);
	return err ? 1 : 0;
}
