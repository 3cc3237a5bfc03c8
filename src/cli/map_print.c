/* SPDX-License-Identifier: MIT */
/*
 * Maps for the `bpfrt` subcommands: parsing keys and values given in hex,
 * and printing a map's entries as `bpftool map dump` does (plain text or
 * JSON). Shared by `bpfrt map` and `bpfrt prog run --dump-maps`.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/map.h"
#include "bpfrt/runtime.h"
#include "map_print.h"

int cli_parse_hex(const char *s, uint8_t *out, size_t want)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		if (isspace((unsigned char)*s) || *s == ':' || *s == ',') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		if (n == want)
			return -E2BIG;
		char byte[3] = { s[0], s[1], 0 };
		out[n++] = (uint8_t)strtoul(byte, NULL, 16);
		s += 2;
	}
	return n == want ? 0 : -ERANGE;
}

static void print_bytes(const uint8_t *p, size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		if (json)
			printf("%s\"0x%02x\"", i ? "," : "", p[i]);
		else
			printf("%s%02x", i ? " " : "", p[i]);
	}
}

static bool is_percpu(enum bpfrt_map_type t)
{
	return t == BPFRT_MAP_TYPE_PERCPU_ARRAY || t == BPFRT_MAP_TYPE_PERCPU_HASH ||
	       t == BPFRT_MAP_TYPE_LRU_PERCPU_HASH;
}

void cli_print_entry(const struct bpfrt_map *m, const void *key, const void *value, bool json,
		     bool first)
{
	uint32_t ks = bpfrt_map__key_size(m), vs = bpfrt_map__value_size(m);
	size_t stride = (vs + 7) / 8 * 8;

	if (json) {
		printf("%s{\"key\":[", first ? "" : ",");
		print_bytes(key, ks, true);
		if (is_percpu(bpfrt_map__type(m))) {
			printf("],\"values\":[");
			for (uint32_t c = 0; c < bpfrt_map__ncpus(m); c++) {
				printf("%s{\"cpu\":%u,\"value\":[", c ? "," : "", c);
				print_bytes((const uint8_t *)value + c * stride, vs, true);
				printf("]}");
			}
			printf("]}");
		} else {
			printf("],\"value\":[");
			print_bytes(value, vs, true);
			printf("]}");
		}
		return;
	}
	if (ks) {
		printf("key: ");
		print_bytes(key, ks, false);
		printf("  ");
	}
	if (is_percpu(bpfrt_map__type(m))) {
		printf("\n");
		for (uint32_t c = 0; c < bpfrt_map__ncpus(m); c++) {
			printf("value (CPU %02u): ", c);
			print_bytes((const uint8_t *)value + c * stride, vs, false);
			printf("\n");
		}
		return;
	}
	printf("value: ");
	print_bytes(value, vs, false);
	printf("\n");
}

struct rb_print {
	bool json;
	size_t n;
};

static int print_record(void *ctx, void *data, size_t size)
{
	struct rb_print *st = ctx;

	if (st->json) {
		printf("%s{\"record\":[", st->n ? "," : "");
		print_bytes(data, size, true);
		printf("]}");
	} else {
		printf("record: ");
		print_bytes(data, size, false);
		printf("\n");
	}
	st->n++;
	return 0;
}

/* A ring buffer's dump consumes its submitted records. */
static int dump_ringbuf(struct bpfrt_map *m, bool json)
{
	struct rb_print st = { .json = json };
	struct bpfrt_ring_buffer *rb = bpfrt_ring_buffer__new(m, print_record, &st, NULL);
	int err;

	if (!rb)
		return -errno;
	if (json)
		printf("[");
	err = bpfrt_ring_buffer__consume(rb);
	bpfrt_ring_buffer__free(rb);
	if (json)
		printf("]\n");
	else
		printf("Found %zu record%s\n", st.n, st.n == 1 ? "" : "s");
	return err < 0 ? err : 0;
}

int cli_dump_map(struct bpfrt_map *m, bool json)
{
	enum bpfrt_map_type t = bpfrt_map__type(m);
	uint32_t ks = bpfrt_map__key_size(m);
	size_t us = bpfrt_map__user_value_size(m), n = 0;
	uint8_t *key = calloc(1, ks + 1), *next = calloc(1, ks + 1), *val = calloc(1, us + 1);
	int err = 0;

	if (!key || !next || !val) {
		err = -ENOMEM;
		goto out;
	}
	if (t == BPFRT_MAP_TYPE_RINGBUF) {
		err = dump_ringbuf(m, json);
		goto out;
	}
	if (json)
		printf("[");
	if (!ks) { /* queue, stack: the element a pop would give */
		if (bpfrt_map__lookup_elem(m, NULL, 0, val, us, 0) == 0) {
			cli_print_entry(m, NULL, val, json, true);
			n++;
		}
	} else {
		const void *cur = NULL;

		while (bpfrt_map__get_next_key(m, cur, next, ks) == 0) {
			memcpy(key, next, ks);
			cur = key;
			if (bpfrt_map__lookup_elem(m, key, ks, val, us, 0) != 0)
				continue; /* deleted meanwhile, or an empty prog slot */
			cli_print_entry(m, key, val, json, n == 0);
			n++;
		}
	}
	if (json)
		printf("]\n");
	else
		printf("Found %zu element%s\n", n, n == 1 ? "" : "s");
out:
	free(key);
	free(next);
	free(val);
	return err;
}

const char *cli_update_error(const struct bpfrt_map *m, int err)
{
	enum bpfrt_map_type t = bpfrt_map__type(m);

	if (t == BPFRT_MAP_TYPE_ARRAY_OF_MAPS || t == BPFRT_MAP_TYPE_HASH_OF_MAPS) {
		if (err == -EBADF)
			return "the value is no map's id (bpfrt map list shows them)";
		if (err == -EINVAL)
			return "the map does not fit the inner map template (type, sizes, flags)";
	}
	return strerror(-err);
}

int cli_parse_verify(const char *s, enum bpfrt_runtime_verify *out)
{
	static const char *const names[] = {
		[BPFRT_VERIFY_AUTO] = "auto",
		[BPFRT_VERIFY_REQUIRE] = "require",
		[BPFRT_VERIFY_OFF] = "off",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum bpfrt_runtime_verify)i;
			return 0;
		}
	return -EINVAL;
}
