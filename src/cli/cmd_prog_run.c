/* SPDX-License-Identifier: MIT */
/*
 * `bpfrt prog run OBJ [--prog NAME]`: runs one program of an object once or
 * --repeat times, as `bpftool prog run` (BPF_PROG_TEST_RUN) does, and
 * prints `Return value: R, duration (average): Dns`. Messages of
 * bpf_trace_printk are printed as they come (JSON: collected in "trace").
 * Maps can be set before the run (--map-set) and printed after it
 * (--dump-maps, --dump-map NAME); a packet program's packet after the run
 * (BPF_PROG_TEST_RUN's data_out) is written with --data-out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "cli.h"
#include "map_print.h"

#define MAX_MAP_SETS 64

static const char usage_text[] =
	"usage: bpfrt prog run OBJ [--prog NAME] [--ctx FILE | --data-in FILE] [--repeat N]\n"
	"                          [--interp | --jit | --jit-harden] [--verify auto|require|off | --no-verify]\n"
	"                          [--data-out FILE|-] [--json] [--ctx-size N | --tracepoint CAT:NAME|FILE]\n"
	"                          [--map-set MAP KEY VALUE]... [--dump-maps] [--dump-map MAP]...\n"
	"\n"
	"Runs program NAME (default: the only one) of the BPF object OBJ as\n"
	"`bpftool prog run` does and prints "
	"its return value and the average duration of one run.\n"
	"\n"
	"  --ctx FILE        the context (r1) is the bytes of FILE; for fentry/fexit\n"
	"                    programs FILE holds the u64 arguments\n"
	"  --target-btf FILE fentry/fexit: the traced code's BTF (ELF .BTF or raw):\n"
	"                    pointer arguments are read through their types, the\n"
	"                    loads fault-safe (a bad pointer reads 0)\n"
	"  --ctx-size N      tracepoint programs: the record's size, verified against\n"
	"                    and given at least (zero-padded; default 8192, as the kernel)\n"
	"  --tracepoint CAT:NAME|FILE  the record's size from the tracefs format of\n"
	"                    event CAT:NAME (or a saved format FILE)\n"
	"  --data-in FILE    packet data: xdp, tc and socket programs get a context\n"
	"                    (xdp_md, __sk_buff) pointing at the bytes of FILE; other\n"
	"                    programs get the bytes as the context\n"
	"  --data-out FILE   the packet after the run (xdp: from data_meta, with what\n"
	"                    bpf_xdp_adjust_head/meta/tail did) into FILE; with -\n"
	"                    printed after the result line as hex (JSON: \"data_out\")\n"
	"  --repeat N        run N times (default 1); the duration is the average\n"
	"  --interp, --jit   the engine (default: the interpreter)\n"
	"  --jit-harden      the JIT with constant blinding (the kernel's bpf_jit_harden)\n"
	"  --verify MODE     auto (default): a verified program runs unchecked, others\n"
	"                    run bounds-checked (with a warning); require: refuse\n"
	"                    programs the verifier rejects; off: run checked\n"
	"  --no-verify       --verify off: no verification, the program runs checked\n"
	"                    in the interpreter (the JIT runs verified programs only)\n"
	"  --json            {\"retval\": R, \"duration\": D, \"trace\": [...]}\n"
	"  --map-set MAP KEY VALUE  before the run, set MAP[KEY] = VALUE (hex bytes,\n"
	"                    e.g. \"01 00 00 00\"; prog arrays take a program index)\n"
	"  --dump-maps       after the run, print every map (ring buffers: records)\n"
	"  --dump-map MAP    after the run, print MAP\n"
	"\n"
	"bpf_trace_printk output is printed as it comes, one line per message, before the\nresult line.\n";

struct trace_buf {
	bool json;
	char *text; /* JSON: the messages collected */
	size_t len, cap;
};

static void trace_out(void *ctx, const char *msg, size_t len)
{
	struct trace_buf *t = ctx;
	bool nl = !len || msg[len - 1] != '\n'; /* one message, one line (trace_pipe) */

	if (!t->json) {
		fwrite(msg, 1, len, stdout);
		if (nl)
			putchar('\n');
		return;
	}
	if (t->len + len + 2 > t->cap) {
		size_t cap = (t->len + len + 2) * 2;
		char *p = realloc(t->text, cap);

		if (!p)
			return;
		t->text = p;
		t->cap = cap;
	}
	memcpy(t->text + t->len, msg, len);
	t->len += len;
	if (nl)
		t->text[t->len++] = '\n';
	t->text[t->len] = '\0';
}

/* The collected messages as a JSON array of lines. */
static void print_trace_json(const struct trace_buf *t)
{
	const char *p = t->text ? t->text : "";
	bool first = true;

	printf("[");
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		printf("%s\"", first ? "" : ",");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c == '"' || c == '\\')
				printf("\\%c", c);
			else if (c < 0x20)
				printf("\\u%04x", c);
			else
				putchar(c);
		}
		printf("\"");
		first = false;
		p += n + (nl ? 1 : 0);
	}
	printf("]");
}

struct map_set {
	const char *map, *key, *value;
};

static int apply_map_set(const char *obj, struct bpfrt_runtime *rt, const struct map_set *s)
{
	struct bpfrt_map *m = bpfrt_runtime__find_map(rt, s->map);
	size_t ks, vs;
	uint8_t *k, *v;
	int err;

	if (!m)
		return cli_error("%s: --map-set: no map named %s", obj, s->map);
	ks = bpfrt_map__key_size(m);
	vs = bpfrt_map__user_value_size(m);
	k = calloc(1, ks + 1);
	v = calloc(1, vs + 1);
	if (!k || !v)
		err = -ENOMEM;
	else if ((err = cli_parse_hex(s->key, k, ks)))
		cli_error("%s: --map-set %s: key '%s' is not %zu hex bytes", obj, s->map, s->key, ks);
	else if ((err = cli_parse_hex(s->value, v, vs)))
		cli_error("%s: --map-set %s: value '%s' is not %zu hex bytes", obj, s->map, s->value,
			  vs);
	else if ((err = bpfrt_map__update_elem(m, ks ? k : NULL, ks, v, vs, 0)))
		cli_error("%s: --map-set %s: update: %s", obj, s->map, cli_update_error(m, err));
	free(k);
	free(v);
	return err ? 1 : 0;
}

/* --data-out: the packet into `path`, or printed ("-"; JSON: a member). */
static int put_data_out(const char *path, const uint8_t *data, size_t size, bool json)
{
	if (strcmp(path, "-")) {
		FILE *f = fopen(path, "wb");
		bool ok = f && fwrite(data, 1, size, f) == size;

		if (f && fclose(f))
			ok = false;
		return ok ? 0 : cli_error("%s: --data-out: %s", path, strerror(errno));
	}
	if (json) {
		printf(", \"data_out\": \"");
		for (size_t i = 0; i < size; i++)
			printf("%02x", data[i]);
		printf("\"");
		return 0;
	}
	printf("data_out (%zu bytes):\n", size);
	for (size_t i = 0; i < size; i += 16) {
		printf("%04zx:", i);
		for (size_t k = i; k < size && k < i + 16; k++)
			printf(" %02x", data[k]);
		putchar('\n');
	}
	return 0;
}

static int dump_one(const char *obj, struct bpfrt_map *m, bool json)
{
	int err;

	if (!json)
		printf("map %s (%s):\n", bpfrt_map__name(m), bpfrt_map_type_name(bpfrt_map__type(m)));
	err = cli_dump_map(m, json);
	if (err)
		return cli_error("%s: map %s: dump: %s", obj, bpfrt_map__name(m), strerror(-err));
	return 0;
}

int cmd_prog_run(int argc, char **argv)
{
	const char *obj_path = NULL, *prog_name = NULL, *ctx_path = NULL, *data_path = NULL;
	const char *data_out_path = NULL, *btf_path = NULL;
	uint8_t *data_out = NULL;
	struct btf *target_btf = NULL;
	const char *dump_names[MAX_MAP_SETS];
	struct map_set sets[MAX_MAP_SETS];
	size_t nsets = 0, ndumps = 0;
	enum bpfrt_backend backend = BPFRT_BACKEND_INTERP;
	bool harden = false;
	enum bpfrt_runtime_verify verify = BPFRT_VERIFY_AUTO;
	bool json = false, dump_all = false;
	uint64_t repeat = 1;
	struct trace_buf trace = { 0 };
	char log[512] = "", runlog[512] = "";
	uint8_t *ctx = NULL;
	size_t ctx_size = 0;
	uint32_t tp_record_size = 0;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "--prog") && i + 1 < argc) {
			prog_name = argv[++i];
		} else if (!strcmp(a, "--ctx") && i + 1 < argc) {
			ctx_path = argv[++i];
		} else if (!strcmp(a, "--ctx-size") && i + 1 < argc) {
			char *end;

			unsigned long n = strtoul(argv[++i], &end, 0);
			if (*end || n > 8192)
				return cli_error("prog run: --ctx-size '%s' is not a size up to 8192",
						 argv[i]);
			tp_record_size = (uint32_t)n;
		} else if (!strcmp(a, "--tracepoint") && i + 1 < argc) {
			if (cli_tp_record_size(argv[++i], &tp_record_size))
				return 1;
		} else if (!strcmp(a, "--target-btf") && i + 1 < argc) {
			btf_path = argv[++i];
		} else if (!strcmp(a, "--data-in") && i + 1 < argc) {
			data_path = argv[++i];
		} else if (!strcmp(a, "--data-out") && i + 1 < argc) {
			data_out_path = argv[++i];
		} else if (!strcmp(a, "--repeat") && i + 1 < argc) {
			char *end;

			repeat = strtoull(argv[++i], &end, 0);
			if (*end || !repeat)
				return cli_error("prog run: --repeat '%s' is not a positive number",
						 argv[i]);
		} else if (!strcmp(a, "--jit")) {
			backend = BPFRT_BACKEND_JIT;
		} else if (!strcmp(a, "--jit-harden")) {
			backend = BPFRT_BACKEND_JIT;
			harden = true;
		} else if (!strcmp(a, "--interp")) {
			backend = BPFRT_BACKEND_INTERP;
		} else if (!strcmp(a, "--no-verify")) {
			verify = BPFRT_VERIFY_OFF;
		} else if (!strcmp(a, "--verify") && i + 1 < argc) {
			if (cli_parse_verify(argv[++i], &verify))
				return cli_error("prog run: --verify '%s': auto, require or off",
						 argv[i]);
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--dump-maps")) {
			dump_all = true;
		} else if (!strcmp(a, "--dump-map") && i + 1 < argc && ndumps < MAX_MAP_SETS) {
			dump_names[ndumps++] = argv[++i];
		} else if (!strcmp(a, "--map-set") && i + 3 < argc && nsets < MAX_MAP_SETS) {
			sets[nsets++] = (struct map_set){ argv[i + 1], argv[i + 2], argv[i + 3] };
			i += 3;
		} else if (a[0] == '-' && a[1]) {
			cli_error("prog run: unknown or incomplete option '%s'", a);
			fputs(usage_text, stderr);
			return 2;
		} else if (!obj_path) {
			obj_path = a;
		} else {
			return cli_error("prog run: unexpected argument '%s'", a);
		}
	}
	if (!obj_path) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (ctx_path && data_path)
		return cli_error("prog run: --ctx and --data-in together need context rewriting, "
				 "which bpfrt does not do yet; give one");
	if (ctx_path || data_path) {
		const char *path = ctx_path ? ctx_path : data_path;
		int err = cli_read_file(path, &ctx, &ctx_size);

		if (err)
			return cli_error("%s: %s", path, strerror(-err));
	}

	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_file(obj_path, &oo);
	struct bpfrt_runtime *rt = NULL;
	struct bpfrt_prog *prog;

	if (!obj) {
		cli_error("%s: %s", obj_path, log[0] ? log : strerror(errno));
		goto out;
	}
	prog_name = cli_pick_prog("prog run", obj_path, obj, prog_name);
	if (!prog_name)
		goto out;
	if (btf_path && !(target_btf = cli_target_btf(btf_path)))
		goto out;
	trace.json = json;
	struct bpfrt_runtime_opts ro = {
		.sz = sizeof(ro),
		.backend = backend,
		.jit_harden = harden,
		.verify = verify,
		.trace_fn = trace_out,
		.trace_ctx = &trace,
		.log_buf = log,
		.log_size = sizeof(log),
		.target_btf = target_btf,
		.tp_record_size = tp_record_size,
	};
	rt = bpfrt_runtime__new(obj, &ro);
	if (!rt) {
		cli_error("%s: %s", obj_path, log[0] ? log : strerror(errno));
		goto out;
	}
	prog = bpfrt_runtime__prog(rt, prog_name);
	if (!prog) {
		cli_error("%s: %s", obj_path, bpfrt_runtime__log(rt));
		goto out;
	}
	if (bpfrt_runtime__log(rt)[0]) /* loaded, but not verified: say why */
		fprintf(stderr, "bpfrt: %s: %s\n", obj_path, bpfrt_runtime__log(rt));
	for (size_t i = 0; i < nsets; i++)
		if (apply_map_set(obj_path, rt, &sets[i]))
			goto out;

	struct bpfrt_runtime_run_opts run = {
		.sz = sizeof(run),
		.repeat = repeat,
		.log_buf = runlog,
		.log_size = sizeof(runlog),
	};
	uint64_t r0 = 0;

	/* the packet grows by at most the frame's size (src/helpers/pkt_frame.h) */
	if (data_out_path && !(data_out = malloc(ctx_size + 8192))) {
		cli_error("%s: out of memory", obj_path);
		goto out;
	}
	run.data_out = data_out;
	run.data_size_out = data_out ? ctx_size + 8192 : 0;
	int err = bpfrt_runtime__run(rt, prog, ctx, ctx_size, &r0, &run);

	fflush(stdout);
	runlog[strcspn(runlog, "\n")] = '\0'; /* the first line says it */
	if (err) {
		cli_error("%s: program %s: %s", obj_path, prog_name,
			  runlog[0] ? runlog : strerror(-err));
		goto out;
	}
	if (json) {
		/* bpftool prints retval as the u32 the kernel returns */
		printf("{\"retval\": %u, \"duration\": %llu, \"trace\": ", (uint32_t)r0,
		       (unsigned long long)run.duration_ns);
		print_trace_json(&trace);
	} else {
		printf("Return value: %u, duration%s: %lluns\n", (uint32_t)r0,
		       repeat > 1 ? " (average)" : "", (unsigned long long)run.duration_ns);
	}
	rc = 0;
	if (data_out_path && !run.data_out)
		rc = cli_error("%s: --data-out: program %s is not a packet program (xdp, tc, socket)",
			       obj_path, prog_name);
	else if (data_out_path)
		rc = put_data_out(data_out_path, data_out, run.data_size_out, json);
	if (json)
		printf("}\n");
	for (size_t i = 0; i < bpfrt_runtime__map_cnt(rt) && dump_all; i++)
		rc |= dump_one(obj_path, bpfrt_runtime__map(rt, i), json);
	for (size_t i = 0; i < ndumps; i++) {
		struct bpfrt_map *m = bpfrt_runtime__find_map(rt, dump_names[i]);

		if (!m)
			rc |= cli_error("%s: --dump-map: no map named %s", obj_path, dump_names[i]);
		else
			rc |= dump_one(obj_path, m, json);
	}
out:
	bpfrt_runtime__free(rt);
	btf__free(target_btf);
	bpfrt_object__close(obj);
	free(ctx);
	free(data_out);
	free(trace.text);
	return rc;
}
