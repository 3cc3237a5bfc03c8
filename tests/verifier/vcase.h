/* SPDX-License-Identifier: MIT */
/*
 * The .case files of the verifier suite (format: test_cases.c), read for the
 * suite itself and for the kernel differential tests.
 */
#ifndef BPFRT_TESTS_VCASE_H
#define BPFRT_TESTS_VCASE_H

#include <stddef.h>
#include <stdint.h>

#include "bpfrt/insn.h"
#include "bpfrt/verifier.h"

struct vcase {
	const char *bad_opt; /* the first option line not understood, or NULL */
	char bad_opt_buf[128];
	char name[160];
	struct bpfrt_verify_opts o;
	struct bpfrt_verify_map maps[8];
	uint8_t frozen[8][512];
	struct bpfrt_verify_helper helpers[8];
	struct bpfrt_verify_func funcs[8];
	char func_label[8][32];
	char func_types[8][5][32]; /* trusted:NAME ... arguments' struct names */
	char target[64];	   /* `target NAME`: o.target_func */
	char *asm_text;
	size_t asm_len, asm_cap;
	int expect; /* 1 accept, 0 reject, -1 unset */
	char message[256];
	uint32_t kernel_type; /* `kernel TYPE`: BPF_PROG_TYPE_* + 1, 0 none */
};

/* Calls fn for every case of dir/file in order; -errno if it cannot be read. */
int vcase_read_file(const char *dir, const char *file,
		    void (*fn)(const char *file, struct vcase *c, void *arg), void *arg);

/* Calls vcase_read_file for every `.case` file of dir, in name order; the
 * number of files, or -errno (an unreadable directory or file). */
int vcase_read_dir(const char *dir, void (*fn)(const char *file, struct vcase *c, void *arg),
		   void *arg);

/* Assembles the case (kfunc names resolved) and points c->o at its maps and
 * helpers. 0, or -EINVAL with the reason in why. *insns is malloc'ed. */
int vcase_assemble(struct vcase *c, struct bpfrt_insn **insns, size_t *cnt, char *why,
		   size_t why_size);

/* For BPF_PROG_LOAD: kfunc calls turned into the kernel's vmlinux BTF ids,
 * the case's maps created in the kernel (with a value BTF where the case
 * gives one, frozen ones filled and frozen) into fds[8], and the ld_imm64
 * map indexes turned into their fds. 0, or -1 with the reason in why
 * (nothing left open). */
int vcase_kernel_prepare(const struct vcase *c, struct bpfrt_insn *insns, size_t cnt, int fds[8],
			 char *why, size_t why_size);
void vcase_kernel_maps_close(const struct vcase *c, int fds[8]);

#endif /* BPFRT_TESTS_VCASE_H */
