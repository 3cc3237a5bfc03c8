/* SPDX-License-Identifier: MIT */
/* Shared by the `bpfrt` subcommands: their entry points and small helpers. */
#ifndef BPFRT_CLI_H
#define BPFRT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMD(name, fn, summary) int fn(int argc, char **argv);
#include "commands.def"
#undef CMD

/* Prints "bpfrt: " and the message to stderr; returns 1 (the exit status). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s ends with suffix (a file name's extension). */
bool cli_has_suffix(const char *s, const char *suffix);

struct bpfrt_object;

/* The program a command works on: `name` when given (NULL otherwise), else
 * the object's only program. Prints the error (no programs, or several:
 * their names, to choose with --prog) and returns NULL. */
const char *cli_pick_prog(const char *cmd, const char *obj_path, const struct bpfrt_object *obj,
			  const char *name);

/* The object's program names, comma-separated (cut to fit `size`). */
void cli_prog_names(const struct bpfrt_object *obj, char *buf, size_t size);

/* Reads a whole file ("-" is stdin) into a malloc'ed buffer. 0 or -errno. */
int cli_read_file(const char *path, uint8_t **data, size_t *size);

struct btf;
/* --target-btf FILE: the BTF of an ELF's .BTF or a raw BTF file (libbpf's
 * btf__parse; free with btf__free). Prints the error and returns NULL. */
struct btf *cli_target_btf(const char *path);

/* --tracepoint CAT:NAME|FILE: the record size of a tracepoint from its
 * tracefs format (/sys/kernel/tracing/events/CAT/NAME/format, or FILE when
 * the argument holds a '/'). Prints the error and returns 1; 0 on success. */
int cli_tp_record_size(const char *arg, uint32_t *size);

#endif /* BPFRT_CLI_H */
