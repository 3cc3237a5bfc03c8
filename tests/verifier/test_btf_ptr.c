/* SPDX-License-Identifier: MIT */
/*
 * BTF-typed pointers in fentry/fexit and tp_btf contexts (src/verifier/btf_ptr.c):
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
#include "helpers/kfuncs.h"
#include "support/btf_target.h"
#include "verifier/facts.h"

static struct btf *btf;
static char vlog[1 << 16];

struct run {
	enum bpfrt_attach_kind attach;
	const char *func;   /* NULL: no target BTF */
	uint32_t nr_args;
	const char *text;
	uint32_t expected_attach_type; /* 23, BPF_TRACE_RAW_TP: tp_btf */
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
		.expected_attach_type = r->expected_attach_type,
	};
	int err = verifier_run(insns, cnt, &o, facts);
	free(insns);
	return err;
}

static void accept(const char *text, const char *func, enum bpfrt_attach_kind k)
{
	struct run r = { k, func, 0, text, 0 };
	if (verify(&r, NULL))
		fail_msg("rejected:\n%s\n%s", text, vlog);
}

static void reject(const char *text, const char *func, const char *msg)
{
	struct run r = { BPFRT_ATTACH_FENTRY, func, 0, text, 0 };
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
	accept(ARG0 "ldxdw %r0, [%r2+0]\nmov %r0, 0\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R2=ptr_bt_node("));
	/* n->in.b (nested struct), n->arr[3], two ints of arr at once */
	accept(ARG0 "ldxw %r0, [%r2+20]\nldxw %r3, [%r2+36]\nldxdw %r4, [%r2+24]\nmov %r0, 0\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* the byte holding the bitfield `flags`, and a narrow read of val */
	accept(ARG0 "ldxb %r0, [%r2+40]\nldxh %r3, [%r2+2]\nmov %r0, 0\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* a load of 1 byte gives at most 255 */
	accept(ARG0 "ldxb %r0, [%r2+16]\njle %r0, 255, +1\nldxdw %r0, [%r0+0]\nmov %r0, 0\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* a constant moves the pointer: (&n->in)->b */
	accept(ARG0 "add %r2, 16\nldxw %r0, [%r2+4]\nmov %r0, 0\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
	/* no NULL check needed, and one does no harm */
	accept(ARG0 "jeq %r2, 0, +1\nldxdw %r0, [%r2+0]\nldxdw %r0, [%r2+0]\nmov %r0, 0\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* scalars stay scalars: x and the void * */
	accept("ldxdw %r0, [%r1+8]\nldxdw %r2, [%r1+16]\nadd %r0, %r2\nmov %r0, 0\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	/* a narrow load of a pointer argument is a number */
	accept("ldxw %r0, [%r1+0]\nmov %r0, 0\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
}

static void test_pointer_chasing(void **state)
{
	(void)state;
	/* n->next->next->val */
	accept(ARG0 "ldxdw %r3, [%r2+8]\nldxdw %r3, [%r3+8]\nldxdw %r0, [%r3+0]\nmov %r0, 0\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=ptr_bt_node("));
	/* n->ip->b */
	accept(ARG0 "ldxdw %r3, [%r2+64]\nldxw %r0, [%r3+4]\nmov %r0, 0\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=ptr_bt_inner("));
	/* through a union of several members: untrusted */
	accept(ARG0 "ldxdw %r3, [%r2+56]\nldxw %r0, [%r3+4]\nmov %r0, 0\nexit\n", "bt_target",
	       BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=untrusted_ptr_bt_inner("));
	/* fexit: the returned pointer */
	accept("ldxdw %r2, [%r1+8]\nldxdw %r0, [%r2+0]\nmov %r0, 0\nexit\n", "bt_ret", BPFRT_ATTACH_FEXIT);
	/* bpf_probe_read_kernel(buf, 8, &n->in): the pointer as an `anything`
	 * argument, as in the kernel */
	accept(ARG0 "mov %r3, %r2\nadd %r3, 16\nmov %r1, %r10\nadd %r1, -8\nmov %r2, 8\n"
	       "call 113\nldxdw %r0, [%r10-8]\nmov %r0, 0\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
	/* spilled and filled */
	accept(ARG0 "stxdw [%r10-8], %r2\nldxdw %r3, [%r10-8]\nldxdw %r0, [%r3+0]\nmov %r0, 0\nexit\n",
	       "bt_target", BPFRT_ATTACH_FENTRY);
}

static void test_rejects(void **state)
{
	(void)state;
	reject(ARG0 "ldxdw %r0, [%r2+72]\nmov %r0, 0\nexit\n", "bt_target",
	       "access beyond struct bt_node at off 72 size 8");
	reject(ARG0 "stdw [%r2+0], 1\nmov %r0, 0\nmov %r0, 0\nexit\n", "bt_target", "only read is supported");
	reject(ARG0 "stxdw [%r2+0], %r1\nmov %r0, 0\nmov %r0, 0\nexit\n", "bt_target",
	       "only read is supported");
	reject(ARG0 "mov %r3, 1\nlock add [%r2+0], %r3\nmov %r0, 0\nmov %r0, 0\nexit\n", "bt_target",
	       "only read is supported");
	reject(ARG0 "ldxw %r0, [%r2+8]\nmov %r0, 0\nexit\n", "bt_target",
	       "cannot access ptr member next with moff 8 in struct bt_node with off 8 size 4");
	reject(ARG0 "ldxdw %r0, [%r2+36]\nmov %r0, 0\nexit\n", "bt_target",
	       "access beyond the end of member arr (mend:40) in struct bt_node with off 36 size 8");
	reject(ARG0 "ldxb %r0, [%r2+41]\nmov %r0, 0\nexit\n", "bt_target",
	       "struct bt_node doesn't have field at offset 41");
	reject(ARG0 "ldxdw %r0, [%r2-8]\nmov %r0, 0\nexit\n", "bt_target",
	       "R2 is ptr_bt_node invalid negative access: off=-8");
	reject(ARG0 "ldxdw %r3, [%r1+8]\nand %r3, 8\nadd %r2, %r3\nldxdw %r0, [%r2+0]\nmov %r0, 0\nexit\n",
	       "bt_target", "R2 is ptr_bt_node invalid variable offset: off=0, var_off=(0x0; 0x8)");
	/* a char * member is read-only untrusted memory (Linux 6.17+): read
	 * at any offset, fault-safe, never written */
	accept(ARG0 "ldxdw %r3, [%r2+48]\nldxb %r0, [%r3+0]\nadd %r3, %r0\nldxb %r0, [%r3-7]\n"
		    "mov %r0, 0\nexit\n", "bt_target", BPFRT_ATTACH_FENTRY);
	assert_non_null(strstr(vlog, "R3=rdonly_untrusted_mem("));
	reject(ARG0 "ldxdw %r3, [%r2+48]\nstb [%r3+0], 1\nmov %r0, 0\nexit\n", "bt_target",
	       "R3 cannot write into rdonly_untrusted_mem");
	/* n->ip is a struct bt_inner of 8 bytes */
	reject(ARG0 "ldxdw %r3, [%r2+64]\nldxdw %r0, [%r3+8]\nmov %r0, 0\nexit\n", "bt_target",
	       "access beyond struct bt_inner at off 8 size 8");
	/* not memory for helpers: bpf_probe_read's destination */
	reject(ARG0 "mov %r1, %r2\nmov %r2, 8\nmov %r3, 0\ncall 4\nmov %r0, 0\nexit\n", "bt_target",
	       "R1 type=ptr_ expected=fp");
	/* the same load through a BTF pointer and the stack */
	reject(ARG0 "ldxdw %r3, [%r1+8]\nmov %r4, %r10\nadd %r4, -8\nstdw [%r10-8], 0\n"
	       "jeq %r3, 0, +1\nmov %r4, %r2\nldxdw %r0, [%r4+0]\nmov %r0, 0\nexit\n",
	       "bt_target", "same insn cannot be used with different pointers");
	/* without the target's BTF the argument is a number */
	reject(ARG0 "ldxdw %r0, [%r2+0]\nmov %r0, 0\nexit\n", NULL, "R2 invalid mem access 'scalar'");
	reject("mov %r0, 0\nmov %r0, 0\nexit\n", "nosuch", "attach target nosuch not found in the target BTF");
}

/* Pruning compares the type: a load valid for bt_node (in.a at 16) but
 * not for bt_inner, reached with either first. */
static void test_prune_btf_id(void **state)
{
	(void)state;
	static const char *const texts[] = {
		ARG0 "ldxdw %r4, [%r1+8]\nldxdw %r3, [%r2+64]\njeq %r4, 0, +1\nmov %r3, %r2\n"
		"ldxw %r0, [%r3+16]\nmov %r0, 0\nexit\n",
		ARG0 "ldxdw %r4, [%r1+8]\nmov %r3, %r2\njeq %r4, 0, +1\nldxdw %r3, [%r2+64]\n"
		"ldxw %r0, [%r3+16]\nmov %r0, 0\nexit\n",
	};
	for (size_t i = 0; i < 2; i++)
		reject(texts[i], "bt_target", "access beyond struct bt_inner at off 16 size 4");
	/* the same pointers with an offset each: off is compared too */
	reject(ARG0 "ldxdw %r4, [%r1+8]\nmov %r3, %r2\njeq %r4, 0, +1\nadd %r3, 16\n"
	       "ldxw %r0, [%r3+32]\nmov %r0, 0\nexit\n",
	       "bt_target", "cannot access ptr member name with moff 48 in struct bt_node with off 48 size 4");
}

static void test_facts(void **state)
{
	(void)state;
	struct verifier_facts *f = NULL;
	struct run r = { BPFRT_ATTACH_FENTRY, "bt_target", 0,
			 ARG0 "stdw [%r10-8], 0\nldxdw %r3, [%r2+8]\nldxdw %r0, [%r3+0]\n"
			      "ldxdw %r1, [%r10-8]\nmov %r0, 0\nexit\n", 0 };
	assert_int_equal(verify(&r, &f), 0);
	assert_int_equal(f->insn[0].mem_kind, FACT_MEM_CTX);
	assert_int_equal(f->insn[2].mem_kind, FACT_MEM_BTF);
	assert_int_equal(f->insn[3].mem_kind, FACT_MEM_BTF);
	assert_int_equal(f->insn[4].mem_kind, FACT_MEM_STACK);
	verifier_facts_free(f);
	/* a load through untrusted memory (n->name[0]) is fault-safe too */
	struct run r1 = { BPFRT_ATTACH_FENTRY, "bt_target", 0,
			  ARG0 "ldxdw %r3, [%r2+48]\nldxb %r0, [%r3+0]\nmov %r0, 0\nexit\n", 0 };
	f = NULL;
	assert_int_equal(verify(&r1, &f), 0);
	assert_int_equal(f->insn[2].mem_kind, FACT_MEM_BTF);
	verifier_facts_free(f);
	/* nr_args given: arguments past the prototype's are numbers */
	struct run r2 = { BPFRT_ATTACH_FEXIT, "bt_ret", 3, "ldxdw %r2, [%r1+16]\nldxdw %r0, [%r1+24]\n"
							    "ldxdw %r0, [%r0+0]\nmov %r0, 0\nexit\n", 0 };
	assert_int_equal(verify(&r2, NULL), 0);
}

/* ---- tp_btf: trusted arguments ---- */

enum { TP_BTF = 23 }; /* BPF_TRACE_RAW_TP */

/* `text` with each %s a `call kfunc INDEX` of the kfuncs named in order. */
static const char *with_kfuncs(const char *text, const char *k1, const char *k2)
{
	static char buf[1024];
	char c1[48] = "", c2[48] = "";
	if (k1)
		snprintf(c1, sizeof(c1), "call kfunc %d", kfunc_find_by_name(k1));
	if (k2)
		snprintf(c2, sizeof(c2), "call kfunc %d", kfunc_find_by_name(k2));
	snprintf(buf, sizeof(buf), text, c1, c2);
	return buf;
}

static void tp_verdict(enum bpfrt_attach_kind k, uint32_t eat, const char *func, const char *text,
		       const char *msg)
{
	struct run r = { k, func, 0, text, eat };
	int err = verify(&r, NULL);
	if (!msg && err)
		fail_msg("rejected:\n%s\n%s", text, vlog);
	if (msg && !err)
		fail_msg("accepted:\n%s", text);
	if (msg && !strstr(vlog, msg))
		fail_msg("expected '%s' in:\n%s", msg, vlog);
}

#define TP(text, msg) tp_verdict(BPFRT_ATTACH_RAW_TP, TP_BTF, "bt_event", text, msg)
#define TEST_CPU "bpf_cpumask_test_cpu"
/* r2 = &t->mask, r1 = 0: bpf_cpumask_test_cpu(0, &t->mask) follows */
#define TASK_MASK "ldxdw %%r2, [%%r1+0]\nadd %%r2, 8\nmov %%r1, 0\n"

static void test_tp_btf_trusted(void **state)
{
	(void)state;
	/* a tracepoint's argument is trusted: a kfunc takes &t->mask */
	TP(with_kfuncs(TASK_MASK "%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL), NULL);
	assert_non_null(strstr(vlog, "R2=trusted_ptr_bt_task("));
	TP(with_kfuncs("ldxdw %%r1, [%%r1+0]\nadd %%r1, 8\n%s\nmov %r0, 0\nexit\n", "bpf_cpumask_weight", NULL),
	   NULL);
	/* its fields read as fentry's; a pointer read through it is not trusted */
	TP("ldxdw %r2, [%r1+0]\nldxdw %r3, [%r2+136]\nldxw %r0, [%r3+0]\nldxw %r4, [%r2+0]\nmov %r0, 0\nexit\n",
	   NULL);
	assert_non_null(strstr(vlog, "R3=ptr_bt_task("));
	/* integer arguments: any aligned part */
	TP("ldxw %r0, [%r1+8]\nldxdw %r2, [%r1+8]\nadd %r0, %r2\nmov %r0, 0\nexit\n", NULL);
	/* a __nullable argument, NULL-checked first */
	TP(with_kfuncs("ldxdw %%r2, [%%r1+16]\nmov %%r0, 0\njeq %%r2, 0, +3\nadd %%r2, 8\n"
		       "mov %%r1, 1\n%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL), NULL);
	assert_non_null(strstr(vlog, "R2=trusted_ptr_or_null_bt_task("));
}

static void test_tp_btf_untrusted(void **state)
{
	(void)state;
	/* fentry arguments are not trusted (the kernel's prog_args_trusted());
	 * the cpumask kfuncs are KF_RCU */
	tp_verdict(BPFRT_ATTACH_FENTRY, 0, "bt_task_fn", with_kfuncs(TASK_MASK "%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL),
		   "R2 must be a rcu pointer");
	/* nor is a pointer read through a trusted one, or through a union */
	TP(with_kfuncs("ldxdw %%r2, [%%r1+0]\nldxdw %%r2, [%%r2+136]\nadd %%r2, 8\nmov %%r1, 0\n%s\nmov %r0, 0\nexit\n",
		       TEST_CPU, NULL), "R2 must be a rcu pointer");
	TP(with_kfuncs("ldxdw %%r2, [%%r1+0]\nldxdw %%r2, [%%r2+144]\nadd %%r2, 8\nmov %%r1, 0\n%s\nmov %r0, 0\nexit\n",
		       TEST_CPU, NULL), "R2 must be a rcu pointer");
	/* KF_TRUSTED_ARGS (acquire) says so in its own words */
	TP(with_kfuncs("ldxdw %%r1, [%%r1+0]\nldxdw %%r1, [%%r1+136]\n%s\nmov %%r0, 0\nmov %r0, 0\nexit\n",
		       "bpf_cpumask_acquire", NULL), "R1 must be referenced or trusted");
	/* a __nullable argument not checked */
	TP(with_kfuncs("ldxdw %%r1, [%%r1+16]\n%s\nmov %r0, 0\nexit\n", "bpf_cpumask_weight", NULL),
	   "Possibly NULL pointer passed to trusted arg0");
	TP("ldxdw %r2, [%r1+16]\nadd %r2, 8\nmov %r0, 0\nmov %r0, 0\nexit\n",
	   "R2 pointer arithmetic on trusted_ptr_or_null_ prohibited, null-check it first");
	TP("ldxdw %r2, [%r1+16]\nldxw %r0, [%r2+0]\nmov %r0, 0\nexit\n",
	   "R2 invalid mem access 'trusted_ptr_or_null_'");
}

static void test_tp_btf_types(void **state)
{
	(void)state;
	/* the struct at the pointer's offset must be a struct cpumask */
	TP(with_kfuncs("ldxdw %%r2, [%%r1+0]\nmov %%r1, 0\n%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL),
	   "kernel function bpf_cpumask_test_cpu args#1 expected pointer to STRUCT cpumask but R2 "
	   "has a pointer to STRUCT bt_task");
	/* set_cpu wants a struct bpf_cpumask: only the program's own */
	TP(with_kfuncs(TASK_MASK "%s\nmov %%r0, 0\nmov %r0, 0\nexit\n", "bpf_cpumask_set_cpu", NULL),
	   "expected pointer to STRUCT bpf_cpumask but R2 has a pointer to STRUCT bt_task");
	TP(with_kfuncs("ldxdw %%r1, [%%r1+0]\n%s\nmov %%r0, 0\nmov %r0, 0\nexit\n", "bpf_cpumask_release", NULL),
	   "expected pointer to STRUCT bpf_cpumask but R1 has a pointer to STRUCT bt_task");
	/* bpfrt's CPU sets are 1024 bits: a smaller struct cpumask is refused */
	TP(with_kfuncs("ldxdw %%r2, [%%r1+24]\nadd %%r2, 8\nmov %%r1, 0\n%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL),
	   "expected pointer to STRUCT cpumask of at least 128 bytes, R2's has 8");
	TP(with_kfuncs("ldxdw %%r2, [%%r1+0]\nldxdw %%r3, [%%r1+8]\nand %%r3, 8\nadd %%r2, %%r3\n"
		       "mov %%r1, 0\n%s\nmov %r0, 0\nexit\n", TEST_CPU, NULL),
	   "variable trusted_ptr_ access var_off=");
}

/* Arguments take u64 slots by size (the kernel's btf_ctx_arg_idx): a
 * 16-byte struct passed by value two. */
static void test_struct_by_value(void **state)
{
	(void)state;
	tp_verdict(BPFRT_ATTACH_FENTRY, 0, "bt_byval",
		   "ldxdw %r2, [%r1+16]\nldxw %r0, [%r2+0]\nldxdw %r3, [%r1+8]\nadd %r0, %r3\nmov %r0, 0\nexit\n",
		   NULL);
	assert_non_null(strstr(vlog, "R2=ptr_bt_task("));
	tp_verdict(BPFRT_ATTACH_FENTRY, 0, "bt_byval", "ldxdw %r2, [%r1+8]\nldxw %r0, [%r2+0]\nmov %r0, 0\nexit\n",
		   "R2 invalid mem access 'scalar'");
	/* fexit: the return value after the three slots */
	tp_verdict(BPFRT_ATTACH_FEXIT, 0, "bt_byval", "ldxdw %r2, [%r1+24]\nldxw %r0, [%r2+0]\nmov %r0, 0\nexit\n",
		   NULL);
	tp_verdict(BPFRT_ATTACH_FEXIT, 0, "bt_byval", "ldxdw %r0, [%r1+32]\nmov %r0, 0\nexit\n",
		   "fexit programs get 3 u64 arguments and the return value");
}

static void test_tp_btf_ctx(void **state)
{
	(void)state;
	TP("ldxw %r0, [%r1+4]\nmov %r0, 0\nexit\n", "func 'bt_event' offset 4 is not multiple of 8");
	TP("ldxw %r0, [%r1+0]\nmov %r0, 0\nexit\n", "func 'bt_event' size 4 must be 8");
	TP("ldxdw %r0, [%r1+32]\nmov %r0, 0\nexit\n", "func 'bt_event' doesn't have 5-th argument");
	TP("ldxdw %r0, [%r1+96]\nmov %r0, 0\nexit\n", "invalid bpf_context access off=96 size=8");
	TP("stdw [%r1+0], 0\nmov %r0, 0\nmov %r0, 0\nexit\n", "context is read-only");
	/* a raw_tp program (no BTF_TRACE_RAW_TP attach type) takes no BTF */
	tp_verdict(BPFRT_ATTACH_RAW_TP, 0, "bt_event", "mov %r0, 0\nmov %r0, 0\nexit\n",
		   "target BTF is for fentry/fexit/fmod_ret/fsession programs, not raw_tp");
	/* tp_btf without the tracepoint's BTF: numbers, as raw_tp */
	tp_verdict(BPFRT_ATTACH_RAW_TP, TP_BTF, NULL, "ldxdw %r2, [%r1+0]\nldxw %r0, [%r2+0]\nmov %r0, 0\nexit\n",
		   "R2 invalid mem access 'scalar'");
	tp_verdict(BPFRT_ATTACH_RAW_TP, TP_BTF, "nosuch", "mov %r0, 0\nmov %r0, 0\nexit\n",
		   "attach target nosuch not found in the target BTF");
}

/* raw_tp.w: the furthest byte of the writable buffer the program
 * accesses, for the attach to check (raw_tp_w.case has the verdicts) */
static void test_raw_tp_w_max_access(void **state)
{
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = "test", .log_buf = alog,
				     .log_size = sizeof(alog) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };

	(void)state;
	assert_int_equal(bpfrt_asm("ldxdw %r2, [%r1+0]\nldxdw %r0, [%r2+0]\nstw [%r2+60], 7\n"
				   "add %r2, 16\nstxdw [%r2+8], %r0\nmov %r0, 0\nexit\n",
				   &ao, &insns, &cnt), 0);
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .attach = BPFRT_ATTACH_RAW_TP,
				       .prog_type = 24 /* RAW_TRACEPOINT_WRITABLE */,
				       .log_buf = vlog, .log_size = sizeof(vlog), .stats = &st };
	assert_int_equal(bpfrt_verify(insns, cnt, &o), 0);
	assert_int_equal(st.max_tp_access, 64);
	/* raw_tp: argument 0 is a number, nothing recorded */
	o.prog_type = 17;
	assert_int_not_equal(bpfrt_verify(insns, cnt, &o), 0);
	free(insns);
}

static int setup(void **state)
{
	(void)state;
	btf = bt_btf_new();
	return btf && !bt_add_tp_types(btf) ? 0 : -1;
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
		cmocka_unit_test(test_tp_btf_trusted),
		cmocka_unit_test(test_tp_btf_untrusted),
		cmocka_unit_test(test_tp_btf_types),
		cmocka_unit_test(test_tp_btf_ctx),
		cmocka_unit_test(test_struct_by_value),
		cmocka_unit_test(test_raw_tp_w_max_access),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
