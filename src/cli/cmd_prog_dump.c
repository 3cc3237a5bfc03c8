/* SPDX-License-Identifier: MIT */
/*
 * `bpfrt prog dump xlated|jited OBJ [--prog NAME]`: the instructions of a
 * program as they are loaded (after fixups), or the JIT's machine code
 * disassembled and interleaved with them, as `bpftool prog dump`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpfrt/asm.h"
#include "bpfrt/jit.h"
#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "cli.h"

static const char usage_text[] =
	"usage: bpfrt prog dump xlated|jited OBJ [--prog NAME] [--syntax conformance|kernel]\n"
	"                          [--jit-harden]\n"
	"\n"
	"  xlated    the program's instructions after fixups (map pointers, helper ids)\n"
	"  jited     the x86-64 code the JIT makes of them, disassembled (Intel syntax),\n"
	"            each BPF instruction followed by its machine instructions\n"
	"            (both with the source lines where the object has .BTF.ext line info);\n"
	"            a verified program's code is the runtime's, with the verifier's facts\n"
	"  --jit-harden  jited: with constant blinding\n"
	"  --target-btf FILE  fentry/fexit: the traced code's BTF, as for prog run\n"
	"  --syntax  how BPF instructions are written (default: conformance)\n";

static void put_line(void *arg, const char *line)
{
	(void)arg;
	puts(line);
}

int cmd_prog_dump(int argc, char **argv)
{
	const char *what = NULL, *obj_path = NULL, *prog_name = NULL;
	enum bpfrt_syntax syntax = BPFRT_SYNTAX_CONFORMANCE;
	bool harden = false;
	const char *btf_path = NULL;
	struct btf *target_btf = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "--jit-harden")) {
			harden = true;
		} else if (!strcmp(a, "--prog") && i + 1 < argc) {
			prog_name = argv[++i];
		} else if (!strcmp(a, "--target-btf") && i + 1 < argc) {
			btf_path = argv[++i];
		} else if (!strcmp(a, "--syntax") && i + 1 < argc) {
			const char *s = argv[++i];
			if (!strcmp(s, "kernel"))
				syntax = BPFRT_SYNTAX_KERNEL;
			else if (strcmp(s, "conformance"))
				return cli_error("prog dump: --syntax '%s': conformance or kernel", s);
		} else if (a[0] == '-' && a[1]) {
			cli_error("prog dump: unknown or incomplete option '%s'", a);
			fputs(usage_text, stderr);
			return 2;
		} else if (!what) {
			what = a;
		} else if (!obj_path) {
			obj_path = a;
		} else {
			return cli_error("prog dump: unexpected argument '%s'", a);
		}
	}
	if (!what || !obj_path) {
		fputs(usage_text, stderr);
		return 2;
	}
	bool jited = !strcmp(what, "jited");
	if (!jited && strcmp(what, "xlated"))
		return cli_error("prog dump: '%s': xlated or jited", what);

	char log[512] = "";
	struct bpfrt_object_opts oo = {.sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log)};
	struct bpfrt_object *obj = bpfrt_object__open_file(obj_path, &oo);
	if (!obj)
		return cli_error("%s: %s", obj_path, log[0] ? log : strerror(errno));
	int rc = 1;
	struct bpfrt_runtime *rt = NULL, *rtj = NULL;
	struct bpfrt_prog *prog = NULL, *jp = NULL;
	prog_name = cli_pick_prog("prog dump", obj_path, obj, prog_name);
	if (!prog_name || (btf_path && !(target_btf = cli_target_btf(btf_path))))
		goto out;
	struct bpfrt_runtime_opts ro = {.sz = sizeof(ro), .log_buf = log, .log_size = sizeof(log),
					.target_btf = target_btf};
	rt = bpfrt_runtime__new(obj, &ro);
	prog = rt ? bpfrt_runtime__prog(rt, prog_name) : NULL;
	if (!prog) {
		cli_error("%s: %s", obj_path, rt ? bpfrt_runtime__log(rt) : log);
		goto out;
	}
	const struct bpfrt_insn *insns = bpfrt_prog__insns(prog);
	size_t cnt = bpfrt_prog__insn_cnt(prog);
	if (!jited) {
		int err = bpfrt_prog__dump_xlated(prog, syntax, put_line, NULL);
		if (err < 0) {
			cli_error("%s: program %s: %s", obj_path, prog_name, strerror(-err));
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* A verified program: the code the runtime's JIT runs, made with the
	 * verifier's facts. */
	struct bpfrt_runtime_opts rjo = {.sz = sizeof(rjo), .backend = BPFRT_BACKEND_JIT,
					 .jit_harden = harden, .target_btf = target_btf};
	rtj = bpfrt_runtime__new(obj, &rjo);
	struct bpfrt_prog *shown = rtj ? bpfrt_runtime__prog(rtj, prog_name) : NULL;
	if (!shown) {
		/* Otherwise compiled for listing only, never run: trusted mode is
		 * what the JIT translates, verified or not. */
		struct bpfrt_prog_opts po = {.sz = sizeof(po), .name = prog_name,
					     .mode = BPFRT_EXEC_TRUSTED, .backend = BPFRT_BACKEND_JIT,
					     .log_buf = log, .log_size = sizeof(log),
					     .jit_harden = harden};
		po.line_info = bpfrt_prog__line_info(prog, &po.line_info_cnt);
		shown = jp = bpfrt_prog__load(bpfrt_runtime__vm(rt), insns, cnt, &po);
	}
	if (!shown) {
		cli_error("%s: program %s: %s", obj_path, prog_name, log[0] ? log : strerror(errno));
		goto out;
	}
	int err = bpfrt_prog__dump_jited(shown, syntax, put_line, NULL);
	if (err)
		cli_error("%s: program %s: %s", obj_path, prog_name, strerror(-err));
	rc = err ? 1 : 0;
out:
	bpfrt_prog__free(jp);
	bpfrt_runtime__free(rtj);
	bpfrt_runtime__free(rt);
	btf__free(target_btf);
	bpfrt_object__close(obj);
	return rc;
}
