/* SPDX-License-Identifier: MIT */
/* `bpfrt prog SUBCOMMAND`: the table of prog subcommands, and `prog load`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfrt/map.h"
#include "bpfrt/object.h"
#include "cli.h"

#define PROG_CMD(name, fn, summary) int fn(int argc, char **argv);
#include "prog_commands.def"
#undef PROG_CMD

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} prog_cmds[] = {
#define PROG_CMD(name, fn, summary) { #name, fn, summary },
#include "prog_commands.def"
#undef PROG_CMD
};

static void prog_usage(FILE *out)
{
	fprintf(out, "usage: bpfrt prog SUBCOMMAND [ARGS...]\n\nsubcommands:\n");
	for (size_t i = 0; i < sizeof(prog_cmds) / sizeof(prog_cmds[0]); i++)
		fprintf(out, "  %-8s %s\n", prog_cmds[i].name, prog_cmds[i].summary);
	fprintf(out, "\n'bpfrt prog SUBCOMMAND --help' describes one.\n");
}

int cmd_prog(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		prog_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(prog_cmds) / sizeof(prog_cmds[0]); i++)
		if (!strcmp(argv[1], prog_cmds[i].name))
			return prog_cmds[i].fn(argc - 1, argv + 1);
	cli_error("prog: unknown subcommand '%s' (see 'bpfrt prog --help')", argv[1]);
	return 2;
}

/* --- prog load ------------------------------------------------------------ */

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *val, bool *first)
{
	if (!val)
		return;
	printf("%s\"%s\": ", *first ? "" : ", ", key);
	json_str(val);
	*first = false;
}

static void print_target_text(const struct bpfrt_attach_target *t)
{
	if (t->binary)
		printf("  binary %s", t->binary);
	if (t->provider)
		printf("  provider %s", t->provider);
	if (t->category)
		printf("  category %s", t->category);
	if (t->func)
		printf("  func %s", t->func);
	if (t->name)
		printf("  name %s", t->name);
	if (t->offset)
		printf("  offset %#llx", (unsigned long long)t->offset);
}

static void print_target_json(const struct bpfrt_attach_target *t)
{
	bool first = true;
	printf("{");
	json_field("raw", t->raw, &first);
	json_field("binary", t->binary, &first);
	json_field("provider", t->provider, &first);
	json_field("category", t->category, &first);
	json_field("func", t->func, &first);
	json_field("name", t->name, &first);
	if (t->offset)
		printf("%s\"offset\": %llu", first ? "" : ", ", (unsigned long long)t->offset);
	printf("}");
}

static void print_text(const struct bpfrt_object *obj)
{
	printf("object %s  license \"%s\"", bpfrt_object__name(obj), bpfrt_object__license(obj));
	if (bpfrt_object__kversion(obj))
		printf("  version %#x", bpfrt_object__kversion(obj));
	printf("\n");
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		const struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		printf("prog %s  section %s  attach %s", bpfrt_program__name(p),
		       bpfrt_program__section(p),
		       bpfrt_attach_kind_name(bpfrt_program__attach_kind(p)));
		if (bpfrt_program__sleepable(p))
			printf(" (sleepable)");
		print_target_text(bpfrt_program__attach_target(p));
		printf("  insns %zu", bpfrt_program__insn_cnt(p));
		if (bpfrt_program__insn_cnt(p) != bpfrt_program__main_insn_cnt(p))
			printf(" (%zu own, %zu in subprograms)", bpfrt_program__main_insn_cnt(p),
			       bpfrt_program__insn_cnt(p) - bpfrt_program__main_insn_cnt(p));
		printf("\n");
	}
	for (size_t i = 0; i < bpfrt_object__map_cnt(obj); i++) {
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, i);
		const char *type = bpfrt_map_type_name(m->type);
		printf("map %s  type ", m->name);
		if (type)
			printf("%s", type);
		else
			printf("%u (unknown)", m->type);
		printf("  key %u  value %u  max_entries %u  flags %#x", m->key_size, m->value_size,
		       m->max_entries, m->map_flags);
		if (m->frozen)
			printf("  frozen");
		if (m->inner_map_idx >= 0)
			printf("  inner %s", bpfrt_object__map(obj, (size_t)m->inner_map_idx)->name);
		for (uint32_t k = 0, n = 0; k < m->init_slot_cnt; k++)
			if (m->init_slots[k] >= 0)
				printf("%s%u=%s", n++ ? " " : "  values ", k,
				       m->type == BPFRT_MAP_TYPE_PROG_ARRAY
					       ? bpfrt_program__name(bpfrt_object__prog(obj, (size_t)m->init_slots[k]))
					       : bpfrt_object__map(obj, (size_t)m->init_slots[k])->name);
		printf("\n");
	}
}

static void print_json(const struct bpfrt_object *obj)
{
	printf("{\"object\": ");
	json_str(bpfrt_object__name(obj));
	printf(", \"license\": ");
	json_str(bpfrt_object__license(obj));
	printf(", \"version\": %u, \"programs\": [", bpfrt_object__kversion(obj));
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		const struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		printf("%s{\"name\": ", i ? ", " : "");
		json_str(bpfrt_program__name(p));
		printf(", \"section\": ");
		json_str(bpfrt_program__section(p));
		printf(", \"attach\": ");
		json_str(bpfrt_attach_kind_name(bpfrt_program__attach_kind(p)));
		printf(", \"target\": ");
		print_target_json(bpfrt_program__attach_target(p));
		printf(", \"sleepable\": %s, \"prog_type\": %u, \"insns\": %zu, \"main_insns\": %zu}",
		       bpfrt_program__sleepable(p) ? "true" : "false", bpfrt_program__type(p),
		       bpfrt_program__insn_cnt(p), bpfrt_program__main_insn_cnt(p));
	}
	printf("], \"maps\": [");
	for (size_t i = 0; i < bpfrt_object__map_cnt(obj); i++) {
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, i);
		printf("%s{\"name\": ", i ? ", " : "");
		json_str(m->name);
		printf(", \"type\": %u, \"type_name\": ", m->type);
		json_str(bpfrt_map_type_name(m->type) ? bpfrt_map_type_name(m->type) : "");
		printf(", \"key_size\": %u, \"value_size\": %u, \"max_entries\": %u, "
		       "\"flags\": %u, \"frozen\": %s}",
		       m->key_size, m->value_size, m->max_entries, m->map_flags, m->frozen ? "true" : "false");
	}
	printf("]}\n");
}

static void load_usage(FILE *out)
{
	fprintf(out, "usage: bpfrt prog load OBJ [--json]\n\n"
		     "Opens the BPF ELF object OBJ (clang -target bpf) and lists its programs\n"
		     "(name, section, attach kind and target, instruction count with the\n"
		     "subprograms appended), its maps (name, kernel map type id, key and value\n"
		     "size, max_entries, flags) and its license.\n"
		     "  --json   one JSON object instead of text\n");
}

int cmd_prog_load(int argc, char **argv)
{
	const char *path = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			load_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("prog load: unknown option '%s' (see 'bpfrt prog load --help')",
					 argv[i]);
		} else if (path) {
			return cli_error("prog load: more than one object given ('%s')", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		load_usage(stderr);
		return 2;
	}
	char log[512] = "";
	struct bpfrt_object_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_file(path, &opts);
	if (!obj)
		return cli_error("%s: %s", path, log[0] ? log : strerror(errno));
	if (json)
		print_json(obj);
	else
		print_text(obj);
	bpfrt_object__close(obj);
	return 0;
}
