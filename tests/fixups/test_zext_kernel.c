/* SPDX-License-Identifier: MIT */
/*
 * FACT_ZEXT against the kernel's zext_dst. The verifier cases marked
 * `kernel TYPE` that both accept are loaded into the kernel with
 * BPF_F_TEST_RND_HI32 and their translated instructions read back: after
 * each 32-bit definition the kernel did not mark it inserted
 * `r11 = K; r11 <<= 32; rD |= r11` (on x86-64 a marked one gets nothing,
 * cmpxchg aside). Walking the kernel's instructions beside ours gives the
 * kernel's decision for each of our 32-bit definitions: every definition
 * the kernel marks must be marked by bpfrt (bpfrt marks a superset: it
 * counts every path and is conservative at helper arguments and exits).
 * Programs the kernel rewrote beyond that (inlined helpers, expanded
 * context loads) cannot be walked beside ours and are counted, not
 * compared. Skipped (77) where bpf() is not available.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "isa/opcodes.h"
#include "kbpf.h"
#include "vcase.h"
#include "verdict_gen.h"
#include "verifier/facts.h"

#define MAX_XLATED 8192
#define AX 11

struct xlated {
	int err;
	uint32_t cnt;
	struct bpfrt_insn insns[MAX_XLATED];
};

static int load_and_dump(void *arg, void *shm)
{
	const struct kbpf_prog *p = arg;
	struct xlated *x = shm;
	int fd = kbpf_raw_prog_load(p);
	struct bpf_prog_info info;
	union bpf_attr a;

	if (fd < 0) {
		x->err = fd;
		return 0;
	}
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	info.xlated_prog_len = sizeof(x->insns);
	info.xlated_prog_insns = (uint64_t)(uintptr_t)x->insns;
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
		x->err = -errno;
	else if (info.xlated_prog_len > sizeof(x->insns))
		x->err = -E2BIG;
	else
		x->cnt = info.xlated_prog_len / sizeof(x->insns[0]);
	return 0;
}

/* Whether the kernel put its junk after xlated insn j (for register d). */
static bool rnd_patch(const struct xlated *x, uint32_t j, int d)
{
	const struct bpfrt_insn *p = &x->insns[j + 1];
	return j + 3 < x->cnt && p[0].code == (BPFRT_ALU64 | BPFRT_MOV | BPFRT_K) &&
	       p[0].dst_reg == AX && p[1].code == (BPFRT_ALU64 | BPFRT_LSH | BPFRT_K) &&
	       p[1].dst_reg == AX && p[1].imm == 32 &&
	       p[2].code == (BPFRT_ALU64 | BPFRT_OR | BPFRT_X) && p[2].dst_reg == d &&
	       p[2].src_reg == AX;
}

/* Whether the kernel's insn k is ours, o, as its rewrites leave an
 * instruction that stays one: jump offsets and immediates of calls and
 * ld_imm64 change, one-way conditional jumps become `ja`. */
static bool same_insn(const struct bpfrt_insn *o, const struct bpfrt_insn *k)
{
	uint8_t cls = BPFRT_CLASS(o->code);

	if (cls == BPFRT_JMP || cls == BPFRT_JMP32) {
		if (o->code == (BPFRT_JMP | BPFRT_CALL) || o->code == (BPFRT_JMP | BPFRT_EXIT))
			return k->code == o->code;
		return k->code == o->code || k->code == (BPFRT_JMP | BPFRT_JA);
	}
	if (BPFRT_INSN_IS_LDDW(o))
		return k->code == o->code && k->dst_reg == o->dst_reg;
	return !memcmp(o, k, sizeof(*o));
}

struct tally {
	int programs, walked, unaligned, compared, both, ours_only, kernel_only;
};

/* Walks ours (facts f) beside the kernel's x. -1: the two cannot be
 * walked together. */
static int compare(const char *name, const struct bpfrt_insn *in, size_t cnt,
		   const struct verifier_facts *f, const struct xlated *x, struct tally *t)
{
	size_t i = 0;
	uint32_t j = 0;

	while (i < cnt && j < x->cnt) {
		const struct insn_fact *fi = &f->insn[i];
		size_t slots = BPFRT_INSN_IS_LDDW(&in[i]) ? 2 : 1;

		if (!(fi->flags & FACT_SEEN) ||
		    (in[i].code == (BPFRT_JMP | BPFRT_JA) && in[i].off == 0)) {
			i += slots; /* dead code and nops: removed by the kernel */
			continue;
		}
		int d = fact_def32_reg(&in[i]);
		if (fi->mem_kind == FACT_MEM_CTX) {
			/* a context access the kernel converted: not compared */
			if (BPFRT_CLASS(x->insns[j].code) != BPFRT_CLASS(in[i].code))
				return -1;
			j += d >= 0 && rnd_patch(x, j, d) ? 4 : 1;
			i++;
			continue;
		}
		if (!same_insn(&in[i], &x->insns[j]))
			return -1;
		if (d >= 0) {
			bool kmark = !rnd_patch(x, j, d), ours = fi->flags & FACT_ZEXT;
			t->compared++;
			if (kmark && ours) {
				t->both++;
			} else if (ours) {
				t->ours_only++;
				if (getenv("ZEXT_VERBOSE"))
					print_message("%s: insn %zu: marked by bpfrt only\n", name, i);
			} else if (kmark) {
				print_message("%s: insn %zu: the kernel marks it, bpfrt does not\n",
					      name, i);
				t->kernel_only++;
			}
			if (!kmark)
				j += 3;
		}
		i += slots;
		j += (uint32_t)slots;
	}
	return i == cnt && j == x->cnt ? 0 : -1;
}

/* One program: ours (options c->o, maps of c) and the kernel's
 * (prog_type, maps created from c). */
static void check(const char *name, const struct bpfrt_insn *insns, size_t cnt, struct vcase *c,
		  uint32_t prog_type, struct tally *t)
{
	static struct xlated x;
	struct bpfrt_insn *kinsns = NULL;
	struct verifier_facts *f = NULL;
	char why[256];
	int fds[8], status;

	if (verifier_run(insns, cnt, &c->o, &f))
		goto out;
	kinsns = malloc(cnt * sizeof(*kinsns));
	assert_non_null(kinsns);
	memcpy(kinsns, insns, cnt * sizeof(*kinsns));
	if (vcase_kernel_prepare(c, kinsns, cnt, fds, why, sizeof(why)))
		goto out;
	struct kbpf_prog kp = { .insns = kinsns, .insn_cnt = cnt, .prog_type = prog_type,
				.expected_attach_type = c->o.expected_attach_type,
				.prog_flags = BPF_F_TEST_RND_HI32 };
	memset(&x, 0, sizeof(x));
	enum kbpf_outcome o = kbpf_in_child(load_and_dump, &kp, &x, sizeof(x), 10000, &status);
	vcase_kernel_maps_close(c, fds);
	if (o != KBPF_OK || x.err || !x.cnt)
		goto out;
	t->programs++;
	if (compare(name, insns, cnt, f, &x, t))
		t->unaligned++;
	else
		t->walked++;
out:
	verifier_facts_free(f);
	free(kinsns);
}

static void one_case(const char *file, struct vcase *c, void *arg)
{
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	char why[256], name[256];

	if (c->kernel_type && c->expect == 1 && !vcase_assemble(c, &insns, &cnt, why, sizeof(why))) {
		snprintf(name, sizeof(name), "%s: %s", file, c->name);
		check(name, insns, cnt, c, c->kernel_type - 1, arg);
	}
	free(insns);
}

/* No definition the kernel marks is left unmarked; enough compared. */
static void report(const char *what, const struct tally *t, int min_compared)
{
	print_message("%s: %d programs loaded with BPF_F_TEST_RND_HI32, %d walked beside ours "
		      "(%d not), %d 32-bit defs compared: %d marked by both, %d by bpfrt only, %d "
		      "by the kernel only\n",
		      what, t->programs, t->walked, t->unaligned, t->compared, t->both,
		      t->ours_only, t->kernel_only);
	assert_int_equal(t->kernel_only, 0);
	assert_true(t->walked >= 20);
	assert_true(t->compared >= min_compared);
}

static void kernel_marks_are_ours(void **state)
{
	(void)state;
	struct tally t = { 0 };

	assert_true(vcase_read_dir(BPFRT_VERIFIER_CASES, one_case, &t) > 0);
	report("cases", &t, 20);
}

/* The verdict fuzzer's XDP programs (tests/kernel_diff/verdict_gen.c):
 * 32- and 64-bit arithmetic on packet bytes, spills, calls. */
static void generated_programs(void **state)
{
	(void)state;
	static struct vcase c;
	static struct bpfrt_insn insns[4096];
	struct tally t = { 0 };
	char name[64];

	memset(&c, 0, sizeof(c));
	c.maps[0] = (struct bpfrt_verify_map){ .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					       .value_size = 32, .max_entries = 1,
					       .spin_lock_off = -1 };
	c.maps[1] = (struct bpfrt_verify_map){ .type = BPF_MAP_TYPE_HASH, .key_size = 4,
					       .value_size = 8, .max_entries = 16,
					       .spin_lock_off = -1 };
	c.o = (struct bpfrt_verify_opts){ .sz = sizeof(c.o), .attach = BPFRT_ATTACH_XDP,
					  .gpl = true, .maps = c.maps, .map_cnt = 2 };
	for (uint64_t seed = 1; seed <= 1500; seed++) {
		size_t cnt = gen_program(seed, insns, sizeof(insns) / sizeof(insns[0]));
		snprintf(name, sizeof(name), "gen seed %llu", (unsigned long long)seed);
		check(name, insns, cnt, &c, BPF_PROG_TYPE_XDP, &t);
	}
	report("generated", &t, 100);
}

int main(void)
{
	int err = kbpf_available();
	if (err) {
		printf("bpf() not available (%d): skipped\n", err);
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_marks_are_ours),
		cmocka_unit_test(generated_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
