/* SPDX-License-Identifier: MIT */
/* `bpfrt verify OBJ|PROG.asm`: run the verifier, print its stats or its log. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpfrt/asm.h"
#include "bpfrt/object.h"
#include "bpfrt/verifier.h"
#include "cli.h"
#include "runtime/verify.h"

#define MAX_MAPS 64
#define MAX_HELPERS 64

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bpfrt verify OBJ|PROG.asm [options]\n\n"
		"Verifies the programs of a BPF ELF object (or one program in assembler text)\n"
		"and prints the verifier's statistics, or its log and a non-zero exit status\n"
		"when a program is rejected.\n\n"
		"  --prog NAME          only the program NAME of the object\n"
		"  --log-level N        0: a rejection's instruction and message only;\n"
		"                       1 (default): also the state there and the statistics;\n"
		"                       2: also every instruction walked and its state\n"
		"  --kernel-compat      mirror the kernel's limits (no loop widening)\n"
		"  --ctx-size N         raw memory contexts (assembler input): their bytes;\n"
		"                       tracepoint programs: their record's size (default:\n"
		"                       not known, reads within 8192 bytes as the kernel)\n"
		"  --tracepoint CAT:NAME|FILE  the record's size from the tracefs format of\n"
		"                       event CAT:NAME (or a saved format FILE)\n"
		"  --attach KIND        assembler input: attach kind (uprobe, fentry, tp_btf, ...)\n"
		"  --mech int3|trampoline  who fills pt_regs for probe kinds (default int3)\n"
		"  --map T:K:V:N[:F]    assembler input: a map (type, key/value size, entries,\n"
		"                       flags), referred to as map[idx:I] in order\n"
		"  --helper ID:NARGS    an embedder helper taking NARGS scalars\n"
		"  --gpl                the program's licence is GPL-compatible\n"
		"  --target-btf FILE    fentry/fexit/tp_btf: the traced code's BTF (an ELF with\n"
		"                       .BTF, or raw BTF): arguments get their parameters' types\n"
		"  --attach-func NAME   the traced function or tracepoint in it (objects:\n"
		"                       default the section's fentry/NAME or tp_btf/NAME)\n");
}

/* A whole decimal (or 0x hex) number of at most `max`. */
static int parse_u32(const char *opt, const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (!*v || *end || errno || v[0] == '-' || n > max)
		return cli_error("verify: %s takes a number up to %u, not '%s'", opt, max, v);
	*out = (uint32_t)n;
	return 0;
}

static int parse_attach(const char *name, struct bpfrt_verify_opts *o)
{
	enum bpfrt_attach_kind *kind = &o->attach;
	if (!strcmp(name, "tp_btf")) { /* raw_tp with BTF: BPF_TRACE_RAW_TP */
		*kind = BPFRT_ATTACH_RAW_TP;
		o->expected_attach_type = 23;
		return 0;
	}
	for (int k = 0; k < BPFRT_ATTACH_KIND_COUNT; k++) {
		const char *n = bpfrt_attach_kind_name((enum bpfrt_attach_kind)k);
		if (n && !strcmp(n, name)) {
			*kind = (enum bpfrt_attach_kind)k;
			return 0;
		}
	}
	if (!strcmp(name, "raw") || !strcmp(name, "unspec")) {
		*kind = BPFRT_ATTACH_UNSPEC;
		return 0;
	}
	return -EINVAL;
}

/* One program; `name` NULL: assembler text, the file is the program. */
static int verify_one(const char *input, const char *name, const struct bpfrt_insn *insns,
		      size_t cnt, struct bpfrt_verify_opts *o)
{
	size_t log_size = 1 << 22;
	char *log = malloc(log_size);
	if (!log)
		return cli_error("%s: out of memory", input);
	struct bpfrt_verify_stats st = { .sz = sizeof(st) };
	o->log_buf = log;
	o->log_size = log_size;
	o->stats = &st;
	int err = bpfrt_verify(insns, cnt, o);
	if (err) {
		fputs(log, stderr);
		if (name)
			cli_error("%s: program %s rejected by the verifier (%s)", input, name,
				  strerror(-err));
		else /* assembler text: the file is the program */
			cli_error("%s: rejected by the verifier (%s)", input, strerror(-err));
		free(log);
		return 1;
	}
	if (o->log_level >= 2)
		fputs(log, stdout);
	const char *base = strrchr(input, '/');
	if (!name)
		name = base ? base + 1 : input;
	printf("%s: accepted: processed %llu insns, %u states (peak %u), stack %u bytes, %llu us%s\n",
	       name, (unsigned long long)st.insns_processed, st.total_states, st.peak_states,
	       st.max_stack_depth, (unsigned long long)(st.time_ns / 1000),
	       st.widened ? ", loops widened" : "");
	free(log);
	return 0;
}

static int verify_asm(const char *path, struct bpfrt_verify_opts *o)
{
	uint8_t *text;
	size_t size;
	int err = cli_read_file(path, &text, &size);
	if (err)
		return cli_error("%s: %s", path, strerror(-err));
	char *s = realloc(text, size + 1);
	if (!s) {
		free(text);
		return cli_error("%s: out of memory", path);
	}
	s[size] = 0;
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = path, .log_buf = alog,
				     .log_size = sizeof(alog) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	err = bpfrt_asm(s, &ao, &insns, &cnt);
	free(s);
	if (err)
		return cli_error("%s", alog[0] ? alog : "assembly failed");
	int rc = verify_one(path, NULL, insns, cnt, o);
	free(insns);
	return rc;
}

static int verify_obj(const char *path, const char *only, struct bpfrt_verify_opts *o)
{
	const struct btf *target_btf = o->target_btf;
	const char *target_func = o->target_func;
	char olog[512] = "";
	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = olog, .log_size = sizeof(olog) };
	struct bpfrt_object *obj = bpfrt_object__open_file(path, &oo);
	if (!obj)
		return cli_error("%s: %s", path, olog[0] ? olog : strerror(errno));
	bool gpl = o->gpl;
	int rc = 0, found = 0;
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		const char *name = bpfrt_program__name(p);
		if (only && strcmp(only, name))
			continue;
		found++;
		size_t cnt = bpfrt_program__insn_cnt(p);
		struct bpfrt_insn *insns = malloc((cnt ? cnt : 1) * sizeof(*insns));
		char why[256];
		if (!insns || verify_input_build(obj, p, o)) {
			free(insns);
			rc = cli_error("%s: out of memory", path);
			break;
		}
		o->gpl |= gpl;
		/* the target's types for the programs that trace a function */
		verify_input_target(o, p, target_btf, target_func);
		memcpy(insns, bpfrt_program__insns(p), cnt * sizeof(*insns));
		if (verify_resolve_kfuncs(p, insns, cnt, why, sizeof(why)))
			rc |= cli_error("%s: program %s: %s", path, name, why);
		else
			rc |= verify_one(path, name, insns, cnt, o);
		verify_input_free(o);
		free(insns);
	}
	char names[256];
	cli_prog_names(obj, names, sizeof(names));
	if (!bpfrt_object__prog_cnt(obj))
		rc = cli_error("%s: the object has no programs", path);
	else if (only && !found)
		rc = cli_error("%s: no program named '%s' (it has %s)", path, only, names);
	bpfrt_object__close(obj);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	/* level 1 by default: a rejection shows the state it failed in */
	struct bpfrt_verify_opts o = { .sz = sizeof(o), .log_level = 1 };
	static struct bpfrt_verify_map maps[MAX_MAPS];
	static struct bpfrt_verify_helper helpers[MAX_HELPERS];
	const char *input = NULL, *prog = NULL, *target_btf = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--kernel-compat")) {
			o.kernel_compat = true;
		} else if (!strcmp(a, "--gpl")) {
			o.gpl = true;
		} else if (v && !strcmp(a, "--prog")) {
			prog = argv[++i];
		} else if (v && !strcmp(a, "--target-btf")) {
			target_btf = argv[++i];
		} else if (v && !strcmp(a, "--attach-func")) {
			o.target_func = argv[++i];
		} else if (v && !strcmp(a, "--log-level")) {
			if (parse_u32(a, argv[++i], 2, &o.log_level))
				return 1;
		} else if (v && !strcmp(a, "--ctx-size")) {
			if (parse_u32(a, argv[++i], UINT32_MAX, &o.ctx_size))
				return 1;
		} else if (v && !strcmp(a, "--tracepoint")) {
			if (cli_tp_record_size(argv[++i], &o.ctx_size))
				return 1;
		} else if (v && !strcmp(a, "--attach")) {
			if (parse_attach(argv[++i], &o))
				return cli_error("verify: unknown attach kind '%s'", argv[i]);
		} else if (v && !strcmp(a, "--mech")) {
			i++;
			if (!strcmp(v, "int3"))
				o.probe_mech = BPFRT_PROBE_INT3;
			else if (!strcmp(v, "trampoline"))
				o.probe_mech = BPFRT_PROBE_TRAMPOLINE;
			else
				return cli_error("verify: --mech is int3 or trampoline, not '%s'", v);
		} else if (v && !strcmp(a, "--map")) {
			struct bpfrt_verify_map *m = &maps[o.map_cnt];
			i++;
			if (o.map_cnt == MAX_MAPS ||
			    sscanf(v, "%u:%u:%u:%u:%u", &m->type, &m->key_size, &m->value_size,
				   &m->max_entries, &m->flags) < 4)
				return cli_error("verify: bad --map '%s' (TYPE:KEY:VALUE:ENTRIES[:FLAGS])",
						 v);
			o.map_cnt++;
		} else if (v && !strcmp(a, "--helper")) {
			struct bpfrt_verify_helper *h = &helpers[o.helper_cnt];
			i++;
			if (o.helper_cnt == MAX_HELPERS || sscanf(v, "%u:%u", &h->id, &h->nargs) != 2)
				return cli_error("verify: bad --helper '%s' (ID:NARGS)", v);
			o.helper_cnt++;
		} else if (a[0] == '-' && a[1]) {
			usage(stderr);
			return cli_error("verify: unknown or incomplete option '%s'", a);
		} else if (!input) {
			input = a;
		} else {
			return cli_error("verify: more than one input ('%s')", a);
		}
	}
	if (!input) {
		usage(stderr);
		return 2;
	}
	o.maps = o.map_cnt ? maps : NULL;
	o.helpers = o.helper_cnt ? helpers : NULL;
	struct btf *btf = NULL;
	if (target_btf) {
		if (!(btf = cli_target_btf(target_btf)))
			return 1;
		o.target_btf = btf;
	}
	int rc;
	if (cli_has_suffix(input, ".asm") || cli_has_suffix(input, ".s"))
		rc = verify_asm(input, &o);
	else
		rc = verify_obj(input, prog, &o);
	btf__free(btf);
	return rc;
}
