/* SPDX-License-Identifier: MIT */
/* The runtime's call of the verifier: the object's maps and licence as the
 * verifier sees them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/runtime_priv.h"

#include "bpfrt/verifier.h"

/* The kernel's license_is_gpl_compatible(). */
static bool gpl_compatible(const char *license)
{
	static const char *const ok[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
		"Dual MPL/GPL",
	};

	for (size_t i = 0; license && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(license, ok[i]))
			return true;
	return false;
}

int runtime_verify(const struct bpfrt_object *obj, const struct bpfrt_program *prog,
		   const struct bpfrt_insn *insns, size_t cnt, char *log, size_t log_size)
{
	size_t map_cnt = bpfrt_object__map_cnt(obj);
	struct bpfrt_verify_map *maps = calloc(map_cnt + 1, sizeof(*maps));
	int err;

	if (!maps)
		return -ENOMEM;
	for (size_t i = 0; i < map_cnt; i++) {
		const struct bpfrt_map_spec *s = bpfrt_object__map(obj, i);

		maps[i] = (struct bpfrt_verify_map){
			.type = s->type,
			.key_size = s->key_size,
			.value_size = s->value_size,
			.max_entries = s->max_entries,
			.flags = s->map_flags,
			.frozen_data = s->frozen && s->init_size >= s->value_size ? s->init_data : NULL,
		};
	}
	struct bpfrt_verify_opts vo = {
		.sz = sizeof(vo),
		.attach = bpfrt_program__attach_kind(prog),
		.maps = maps,
		.map_cnt = map_cnt,
		.gpl = gpl_compatible(bpfrt_object__license(obj)),
		.log_level = 1,
		.log_buf = log,
		.log_size = log_size,
	};
	err = bpfrt_verify(insns, cnt, &vo);
	free(maps);
	return err;
}

