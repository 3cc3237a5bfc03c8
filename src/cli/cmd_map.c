/* SPDX-License-Identifier: MIT */
/*
 * `bpfrt map dump|lookup|update OBJ --map NAME`: the maps of an object as
 * the runtime creates them (global data initialised from the object), or
 * as a program left them: with --run PROG the program runs first (once, or
 * --repeat times, on --ctx). Keys and values are hex bytes; output as
 * `bpftool map` prints it, or JSON with --json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "cli.h"
#include "map_print.h"

static const char usage_text[] =
	"usage: bpfrt map dump   OBJ --map NAME [RUN] [--json]\n"
	"       bpfrt map lookup OBJ --map NAME --key HEX [RUN] [--json]\n"
	"       bpfrt map update OBJ --map NAME [--key HEX] --value HEX [RUN] [--json]\n"
	"       bpfrt map list   OBJ [--json]\n"
	"  RUN: --run PROG [--ctx FILE] [--repeat N] [--interp | --jit] [--verify MODE]\n"
	"\n"
	"Works on the maps of the BPF object OBJ as bpfrt creates them (global data\n"
	"initialised from the object). With --run, program PROG runs first (after an\n"
	"update: the update comes first, so a program can be given its input), and the\n"
	"map is shown as the program left it. Keys and values are hex bytes, e.g.\n"
	"\"01 00 00 00\" or 0x01000000. update prints the map afterwards.\n";

struct map_args {
	const char *verb, *obj, *map, *key, *value, *run, *ctx;
	uint64_t repeat;
	enum bpfrt_backend backend;
	enum bpfrt_runtime_verify verify;
	bool json;
};

static int list_maps(struct bpfrt_runtime *rt, bool json)
{
	if (json)
		printf("[");
	for (size_t i = 0; i < bpfrt_runtime__map_cnt(rt); i++) {
		struct bpfrt_map *m = bpfrt_runtime__map(rt, i);
		const char *t = bpfrt_map_type_name(bpfrt_map__type(m));

		if (json)
			printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"key\":%u,\"value\":%u,"
			       "\"max_entries\":%u,\"id\":%u}",
			       i ? "," : "", bpfrt_map__name(m), t ? t : "?",
			       bpfrt_map__key_size(m), bpfrt_map__value_size(m),
			       bpfrt_map__max_entries(m), bpfrt_map__id(m));
		else
			printf("%zu: %s  name %s  key %uB  value %uB  max_entries %u  id %u\n", i,
			       t ? t : "?", bpfrt_map__name(m), bpfrt_map__key_size(m),
			       bpfrt_map__value_size(m), bpfrt_map__max_entries(m), bpfrt_map__id(m));
	}
	if (json)
		printf("]\n");
	return 0;
}

static int run_prog(const struct map_args *a, struct bpfrt_runtime *rt)
{
	struct bpfrt_prog *prog = bpfrt_runtime__prog(rt, a->run);
	uint8_t *ctx = NULL;
	size_t ctx_size = 0;
	char log[512] = "";
	uint64_t r0;
	int err;

	if (!prog)
		return cli_error("%s: %s", a->obj, bpfrt_runtime__log(rt));
	if (a->ctx && (err = cli_read_file(a->ctx, &ctx, &ctx_size)))
		return cli_error("%s: %s", a->ctx, strerror(-err));
	struct bpfrt_runtime_run_opts ro = {
		.sz = sizeof(ro), .repeat = a->repeat, .log_buf = log, .log_size = sizeof(log),
	};
	err = bpfrt_runtime__run(rt, prog, ctx, ctx_size, &r0, &ro);
	free(ctx);
	log[strcspn(log, "\n")] = '\0';
	if (err)
		return cli_error("%s: program %s: %s", a->obj, a->run, log[0] ? log : strerror(-err));
	return 0;
}

static int parse_args(int argc, char **argv, struct map_args *a)
{
	a->verb = argv[0];
	a->repeat = 1;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(s, "--map") && more)
			a->map = argv[++i];
		else if (!strcmp(s, "--key") && more)
			a->key = argv[++i];
		else if (!strcmp(s, "--value") && more)
			a->value = argv[++i];
		else if (!strcmp(s, "--run") && more)
			a->run = argv[++i];
		else if (!strcmp(s, "--ctx") && more)
			a->ctx = argv[++i];
		else if (!strcmp(s, "--repeat") && more)
			a->repeat = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(s, "--verify") && more) {
			if (cli_parse_verify(argv[++i], &a->verify))
				return cli_error("map %s: --verify '%s': auto, require or off", a->verb,
						 argv[i]);
		} else if (!strcmp(s, "--json"))
			a->json = true;
		else if (!strcmp(s, "--jit"))
			a->backend = BPFRT_BACKEND_JIT;
		else if (!strcmp(s, "--interp"))
			a->backend = BPFRT_BACKEND_INTERP;
		else if (s[0] == '-')
			return cli_error("map %s: unknown or incomplete option '%s'", a->verb, s);
		else if (!a->obj)
			a->obj = s;
		else
			return cli_error("map %s: unexpected argument '%s'", a->verb, s);
	}
	if (!a->obj)
		return cli_error("map %s: no object given (see 'bpfrt map --help')", a->verb);
	if (strcmp(a->verb, "list") && !a->map)
		return cli_error("map %s: --map NAME is required", a->verb);
	if (!strcmp(a->verb, "lookup") && !a->key)
		return cli_error("map lookup: --key HEX is required");
	if (!strcmp(a->verb, "update") && !a->value)
		return cli_error("map update: --value HEX is required");
	return 0;
}

/* lookup and update on map m; 0 or the exit status. */
static int do_verb(const struct map_args *a, struct bpfrt_runtime *rt, struct bpfrt_map *m)
{
	size_t ks = bpfrt_map__key_size(m), vs = bpfrt_map__user_value_size(m);
	uint8_t *k = calloc(1, ks + 1), *v = calloc(1, vs + 1);
	int rc = 1, err;

	if (!k || !v) {
		cli_error("out of memory");
		goto out;
	}
	if (a->key && ks && cli_parse_hex(a->key, k, ks)) {
		cli_error("%s: map %s: key '%s' is not %zu hex bytes", a->obj, a->map, a->key, ks);
		goto out;
	}
	if (!strcmp(a->verb, "update")) {
		if (cli_parse_hex(a->value, v, vs)) {
			cli_error("%s: map %s: value '%s' is not %zu hex bytes", a->obj, a->map,
				  a->value, vs);
			goto out;
		}
		if ((err = bpfrt_map__update_elem(m, ks ? k : NULL, ks, v, vs, 0))) {
			cli_error("%s: map %s: update: %s", a->obj, a->map, cli_update_error(m, err));
			goto out;
		}
	}
	if (a->run && run_prog(a, rt))
		goto out;
	if (!strcmp(a->verb, "lookup")) {
		if ((err = bpfrt_map__lookup_elem(m, ks ? k : NULL, ks, v, vs, 0))) {
			cli_error("%s: map %s: key %s: %s", a->obj, a->map, a->key,
				  err == -ENOENT ? "not found" : strerror(-err));
			goto out;
		}
		cli_print_entry(m, k, v, a->json, true);
		if (a->json)
			printf("\n");
		rc = 0;
		goto out;
	}
	rc = cli_dump_map(m, a->json) ? 1 : 0;
out:
	free(k);
	free(v);
	return rc;
}

int cmd_map(int argc, char **argv)
{
	struct map_args a = { 0 };
	char log[512] = "";
	int rc = 1;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "dump") && strcmp(argv[1], "lookup") && strcmp(argv[1], "update") &&
	    strcmp(argv[1], "list")) {
		cli_error("map: unknown subcommand '%s' (see 'bpfrt map --help')", argv[1]);
		return 2;
	}
	if (parse_args(argc - 1, argv + 1, &a))
		return 2;

	struct bpfrt_object_opts oo = { .sz = sizeof(oo), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_file(a.obj, &oo);
	struct bpfrt_runtime *rt = NULL;

	if (!obj) {
		cli_error("%s: %s", a.obj, log[0] ? log : strerror(errno));
		return 1;
	}
	struct bpfrt_runtime_opts ro = {
		.sz = sizeof(ro), .backend = a.backend, .verify = a.verify, .log_buf = log,
		.log_size = sizeof(log),
	};
	rt = bpfrt_runtime__new(obj, &ro);
	if (!rt) {
		cli_error("%s: %s", a.obj, log[0] ? log : strerror(errno));
	} else if (!strcmp(a.verb, "list")) {
		rc = list_maps(rt, a.json);
	} else {
		struct bpfrt_map *m = bpfrt_runtime__find_map(rt, a.map);

		if (!m)
			cli_error("%s: no map named %s", a.obj, a.map);
		else
			rc = do_verb(&a, rt, m);
	}
	bpfrt_runtime__free(rt);
	bpfrt_object__close(obj);
	return rc;
}
