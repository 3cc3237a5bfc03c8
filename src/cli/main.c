/* SPDX-License-Identifier: MIT */
/* `bpfrt`: dispatches to one subcommand per file (cmd_*.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpfrt/object.h"
#include "bpfrt/runtime.h"
#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
#define CMD(name, fn, summary) { #name, fn, summary },
#include "commands.def"
#undef CMD
};

static void usage(FILE *out)
{
	fprintf(out, "usage: bpfrt COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'bpfrt COMMAND --help' describes one command.\n");
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("bpfrt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

bool cli_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

void cli_prog_names(const struct bpfrt_object *obj, char *buf, size_t size)
{
	size_t len = 0, n = bpfrt_object__prog_cnt(obj);
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					bpfrt_program__name(bpfrt_object__prog(obj, i)));
}

const char *cli_pick_prog(const char *cmd, const char *obj_path, const struct bpfrt_object *obj,
			  const char *name)
{
	size_t n = bpfrt_object__prog_cnt(obj);
	if (name)
		return name;
	if (n == 1)
		return bpfrt_program__name(bpfrt_object__prog(obj, 0));
	if (!n) {
		cli_error("%s: %s: the object has no programs", cmd, obj_path);
		return NULL;
	}
	char names[256];
	cli_prog_names(obj, names, sizeof(names));
	cli_error("%s: %s has %zu programs (%s): choose one with --prog NAME", cmd, obj_path, n,
		  names);
	return NULL;
}

struct btf *cli_target_btf(const char *path)
{
	struct btf *btf = btf__parse(path, NULL);
	if (!btf)
		cli_error("%s: no BTF (%s)", path, strerror(errno));
	return btf;
}

int cli_tp_record_size(const char *arg, uint32_t *size)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[512];
	uint8_t *text = NULL;
	size_t len = 0;
	int err = -ENOENT;
	const char *colon = strchr(arg, ':');
	if (strchr(arg, '/')) {
		snprintf(path, sizeof(path), "%s", arg);
		err = cli_read_file(path, &text, &len);
	} else if (colon && colon != arg && colon[1]) {
		for (size_t i = sizeof(roots) / sizeof(roots[0]); i-- && err;) {
			/* the debugfs mount first, so errors name the usual one */
			snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", roots[i],
				 (int)(colon - arg), arg, colon + 1);
			err = cli_read_file(path, &text, &len);
		}
	} else {
		return cli_error("--tracepoint '%s': CATEGORY:NAME or a format file", arg);
	}
	if (err)
		return cli_error("--tracepoint %s: %s: %s%s", arg, path, strerror(-err),
				 strchr(arg, '/') ? "" : " (is tracefs mounted and readable?)");
	char *s = realloc(text, len + 1);
	if (!s) {
		free(text);
		return cli_error("--tracepoint %s: out of memory", arg);
	}
	s[len] = 0;
	err = bpfrt_tp_format_record_size(s, size);
	free(s);
	if (err)
		return cli_error("--tracepoint %s: %s: %s", arg, path,
				 err == -E2BIG ? "the record is larger than 8192 bytes"
					       : "no fields with offset and size");
	return 0;
}

int cli_read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return -errno;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
				errno = EIO;
			}
			break;
		}
		uint8_t *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int err = buf ? 0 : -(errno ? errno : ENOMEM);
	if (f != stdin)
		fclose(f);
	if (err)
		return err;
	*data = buf;
	*size = len;
	return 0;
}

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("bpfrt 0.1.0\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	}
	cli_error("unknown command '%s' (see 'bpfrt --help')", argv[1]);
	return 2;
}
