/* SPDX-License-Identifier: MIT */
/*
 * BTF-typed pointers in fentry/fexit contexts (src/verifier/btf_ptr.c):
 * with the traced function's BTF (support/btf_target.h), an argument that
 * points to a struct loads as ptr_STRUCT; field reads are checked against
 * the struct's members (nested, arrays, bitfields, pointer members giving
 * further BTF pointers), stores and out-of-struct reads are refused with the
 * kernel's messages, pruning tells pointers of different types apart, and
 * the loads are recorded as fault-safe (FACT_MEM_BTF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "support/btf_target.h"
#include "verifier/facts.h"

static struct btf *btf;
static char vlog[1 << 16];

struct run {
	enum bpfrt_attach_kind attach;
	const char *func;   /* NULL: no target BTF */
	uint32_t nr_args;
	const char *text;
};

static int verify(const struct run *r, struct verifier_facts **facts)
{
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = "test", .log_buf = alog,
				     .log_size = sizeof(alog) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	if (bpfrt_asm(r->text, &ao, &insns, &cnt))
		fail_msg("does not assemble: %s", alog);
	struct bpfrt_verify_opts o = {
		.sz = sizeof(o), .attach = r->attach, .nr_args = r->nr_args, .gpl = true,
		.log_level = 2, .log_buf = vlog, .log_size = sizeof(vlog),
		.target_btf = r->func ? btf : NULL, .target_func = r->func,
	};
	int err = verifier_run(insns, cnt, &o, facts);
	free(insns);
	return err;
}

static void accept(const char *text, const char *func, enum bpfrt_attach_kind k)
{
	struct run r = { k, func, 0, text };
	if (verify(&r, NULL))
		fail_msg("rejected:\n%s\n%s", text, vlog);
}

static void reject(const char *text, const char *func, const char *msg)
{
	struct run r = { BPFRT_ATTACH_FENTRY, func, 0, text };
	if (!verify(&r, NULL))
		fail_msg("accepted:\n%s", text);
	if (!strstr(vlog, msg))
		fail_msg("expected '%s' in:\n%s", msg, vlog);
}

#define ARG0 "ldxdw %r2, [%r1+0]\n"

static void test_field_reads(void **state)
{
	(void)state;
	/* n->val; the log names the type */
	accept(ARG0 "ldxdw %r0, [%r2+0]\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R2=ptr_bt_node("));
	/* n->in.b (nested struct), n->arr[3], two ints of arr at once */
	accept(ARG0 "ldxw %r0, [%r2+20]\nldxw %r3, [%r2+36]\nldxdw %r4, [%r2+24]\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* the byte holding the bitfield `flags`, and a narrow read of val */
	accept(ARG0 "ldxb %r0, [%r2+40]\nldxh %r3, [%r2+2]\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* a load of 1 byte gives at most 255 */
	accept(ARG0 "ldxb %r0, [%r2+16]\njle %r0, 255, +1\nldxdw %r0, [%r0+0]\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* a constant moves the pointer: (&n->in)->b */
	accept(ARG0 "add %r2, 16\nldxw %r0, [%r2+4]\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
	/* no NULL check needed, and one does no harm */
	accept(ARG0 "jeq %r2, 0, +1\nldxdw %r0, [%r2+0]\nldxdw %r0, [%r2+0]\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* scalars stay scalars: x and the void * */
	accept("ldxdw %r0, [%r1+8]\nldxdw %r2, [%r1+16]\nadd %r0, %r2\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* a narrow load of a pointer argument is a number */
	accept("ldxw %r0, [%r1+0]\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
}

static void test_pointer_chasing(void **state)
{
	(void)state;
	/* n->next->next->val */
	accept(ARG0 "ldxdw %r3, [%r2+8]\nldxdw %r3, [%r3+8]\nldxdw %r0, [%r3+0]\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=ptr_bt_node("));
	/* n->ip->b */
	accept(ARG0 "ldxdw %r3, [%r2+64]\nldxw %r0, [%r3+4]\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=ptr_bt_inner("));
	/* through a union of several members: untrusted */
	accept(ARG0 "ldxdw %r3, [%r2+56]\nldxw %r0, [%r3+4]\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=untrusted_ptr_bt_inner("));
	/* fexit: the returned pointer */
	accept("ldxdw %r2, [%r1+8]\nldxdw %r0, [%r2+0]\nexit\n", "bt_ret", BPFRT_ATTACH_FEXIT);
	/* bpf_probe_read_kernel(buf, 8, &n->in): the pointer as an `anything`
	 * argument, as in the kernel */
	accept(ARG0 "mov %r3, %r2\nadd %r3, 16\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 8\n"
	       "call 113\nldxdw %r0, [%r10-8]\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* spilled and filled */
	accept(ARG0 "stxdw [%r10-8], %r2\nldxdw %r3, [%r10-8]\nldxdw %r0, [%r3+0]\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
}

static void test_rejects(void **state)
{
	(void)state;
	reject(ARG0 "ldxdw %r0, [%r2+72]\nexit\n", "bt_target",
	       "access beyond struct bt_node at off 72 size 8");
	reject(ARG0 "stdw [%r2+0], 1\nmov %r0, 0\nexit\n", "bt_target", "only read is supported");
	reject(ARG0 "stxdw [%r2+0], %r1\nmov %r0, 0\nexit\n", "bt_target",
	       "only read is supported");
	reject(ARG0 "mov %r3, 1\nlock add [%r2+0], %r3\nmov %r0, 0\nexit\n", "bt_target",
	       "only read is supported");
	reject(ARG0 "ldxw %r0, [%r2+8]\nexit\n", "bt_target",
	       "cannot access ptr member next with moff 8 in struct bt_node with off 8 size 4");
	reject(ARG0 "ldxdw %r0, [%r2+36]\nexit\n", "bt_target",
	       "access beyond the end of member arr (mend:40) in struct bt_node with off 36 size 8");
	reject(ARG0 "ldxb %r0, [%r2+41]\nexit\n", "bt_target",
	       "struct bt_node doesn't have field at offset 41");
	reject(ARG0 "ldxdw %r0, [%r2-8]\nexit\n", "bt_target",
	       "R2 is ptr_bt_node invalid negative access: off=-8");
	reject(ARG0 "ldxdw %r3, [%r1+8]\nand %r3, 8\nadd %r2, %r3\nldxdw %r0, [%r2+0]\nexit\n",
	       "bt_target", "R2 is ptr_bt_node invalid variable offset: off=0, var_off=(0; 0x8)");
	/* a char * member is a number */
	reject(ARG0 "ldxdw %r3, [%r2+48]\nldxb %r0, [%r3+0]\nexit\n", "bt_target",
	       "R3 invalid mem access 'scalar'");
	/* n->ip is a struct bt_inner of 8 bytes */
	reject(ARG0 "ldxdw %r3, [%r2+64]\nldxdw %r0, [%r3+8]\nexit\n", "bt_target",
	       "access beyond struct bt_inner at off 8 size 8");
	/* not memory for helpers: bpf_probe_read's destination */
	reject(ARG0 "mov %r1, %r2\nmov %r2, 8\nmov %r3, 0\ncall 4\nexit\n", "bt_target",
	       "R1 type=ptr_ expected=fp");
	/* the same load through a BTF pointer and the stack */
	reject(ARG0 "ldxdw %r3, [%r1+8]\nmov %r4, %r10\nadd %r4, -8\nstdw [%r10-8], 0\n"
	       "jeq %r3, 0, +1\nmov %r4, %r2\nldxdw %r0, [%r4+0]\nexit\n",
	       "bt_target", "same insn cannot be used with different pointers");
	/* without the target's BTF the argument is a number */
	reject(ARG0 "ldxdw %r0, [%r2+0]\nexit\n", NULL, "R2 invalid mem access 'scalar'");
	reject("mov %r0, 0\nexit\n", "nosuch", "attach target nosuch not found in the target BTF");
}

/* Pruning compares the type: a load valid for bt_node (in.a at 16) but
 * not for bt_inner, reached with either first. */
static void test_prune_btf_id(void **state)
{
	(void)state;
	static const char *const texts[] = {
		ARG0 "ldxdw %r4, [%r1+8]\nldxdw %r3, [%r2+64]\njeq %r4, 0, +1\nmov %r3, %r2\n"
		"ldxw %r0, [%r3+16]\nexit\n",
		ARG0 "ldxdw %r4, [%r1+8]\nmov %r3, %r2\njeq %r4, 0, +1\nldxdw %r3, [%r2+64]\n"
		"ldxw %r0, [%r3+16]\nexit\n",
	};
	for (size_t i = 0; i < 2; i++)
		reject(texts[i], "bt_target", "access beyond struct bt_inner at off 16 size 4");
	/* the same pointers with an offset each: off is compared too */
	reject(ARG0 "ldxdw %r4, [%r1+8]\nmov %r3, %r2\njeq %r4, 0, +1\nadd %r3, 16\n"
	       "ldxw %r0, [%r3+32]\nexit\n",
	       "bt_target", "cannot access ptr member name with moff 48 in struct bt_node with off 48 size 4");
}

static void test_facts(void **state)
{
	(void)state;
	struct verifier_facts *f = NULL;
	struct run r = { BPFRT_ATTACH_FENTRY, "bt_target", 0,
			 ARG0 "stdw [%r10-8], 0\nldxdw %r3, [%r2+8]\nldxdw %r0, [%r3+0]\n"
			      "ldxdw %r1, [%r10-8]\nexit\n" };
	assert_int_equal(verify(&r, &f), 0);
	assert_int_equal(f->insn[0].mem_kind, FACT_MEM_CTX);
	assert_int_equal(f->insn[2].mem_kind, FACT_MEM_BTF);
	assert_int_equal(f->insn[3].mem_kind, FACT_MEM_BTF);
	assert_int_equal(f->insn[4].mem_kind, FACT_MEM_STACK);
	verifier_facts_free(f);
	/* nr_args given: arguments past the prototype's are numbers */
	struct run r2 = { BPFRT_ATTACH_FEXIT, "bt_ret", 3, "ldxdw %r2, [%r1+16]\nldxdw %r0, [%r1+24]\n"
							    "ldxdw %r0, [%r0+0]\nexit\n" };
	assert_int_equal(verify(&r2, NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	btf = bt_btf_new();
	return btf ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	btf__free(btf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_reads),
		cmocka_unit_test(test_pointer_chasing),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_prune_btf_id),
		cmocka_unit_test(test_facts),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
