/* SPDX-License-Identifier: MIT */
/* bpfrt's side of the verdict test's runs: see verdict_run.h. */
#include "verdict_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfrt/map.h"
#include "fixups/fixups.h"
#include "maps/map_ops.h"
#include "runtime/runtime_priv.h"
#include "verifier/facts.h"
#include "vm/prog.h"

static int gen_lookup(const void *map, struct bpfrt_insn *insns, size_t cap)
{
	return map_gen_lookup(map, insns, cap);
}

int vrun(struct bpfrt_vm *vm, const struct bpfrt_insn *insns, size_t cnt,
	 const struct bpfrt_verify_opts *vo, enum bpfrt_backend be, const uint8_t *pkt_in,
	 uint32_t len, uint64_t *r0, char *why, size_t why_size)
{
	struct bpfrt_map *maps[2] = {
		bpfrt_map__create(BPFRT_MAP_TYPE_ARRAY, "array", 4, 32, 1, NULL),
		bpfrt_map__create(BPFRT_MAP_TYPE_HASH, "hash", 4, 8, 16, NULL),
	};
	struct fixup_map fm[2];
	struct fixup_env env = { .maps = fm, .map_cnt = 2, .gen_lookup = gen_lookup };
	struct verifier_facts *facts = NULL;
	struct bpfrt_insn *conv = malloc((cnt + 1) * sizeof(*conv));
	size_t *slot_map = NULL, ncnt = cnt;
	uint8_t *vfacts = NULL, *pkt = malloc(len);
	struct bpfrt_prog *prog = NULL;
	int err = -ENOMEM;

	why[0] = 0;
	env.slot_map = &slot_map;
	if (!maps[0] || !maps[1] || !conv || !pkt)
		goto out;
	for (uint32_t k = 0; k < GEN_HASH_KEYS; k++) {
		uint64_t v = gen_hash_value(k);
		bpfrt_map__update_elem(maps[1], &k, sizeof(k), &v, sizeof(v), 0);
	}
	for (int i = 0; i < 2; i++)
		fm[i] = (struct fixup_map){ .map = maps[i], .value_size = i ? 8 : 32,
					    .name = i ? "hash" : "array" };
	memcpy(conv, insns, cnt * sizeof(*conv));
	if ((err = verifier_run(conv, cnt, vo, &facts))) {
		snprintf(why, why_size, "our verifier refuses it (%d)", err);
		goto out;
	}
	if ((err = fixups_convert_ctx(conv, ncnt, FIXUP_CTX_XDP, facts, NULL)) ||
	    (err = fixups_inline(&conv, &ncnt, &env)) ||
	    (err = fixups_apply(conv, ncnt, &env, why, why_size))) {
		if (!why[0])
			snprintf(why, why_size, "fixups: %s", strerror(-err));
		goto out;
	}
	err = -ENOMEM;
	if (!(vfacts = runtime_backend_facts(facts, cnt, slot_map, ncnt)))
		goto out;
	struct bpfrt_prog_opts po = { .sz = sizeof(po), .mode = BPFRT_EXEC_TRUSTED, .backend = be,
				      .log_buf = why, .log_size = why_size };
	struct vm_load_extra extra = { .facts = vfacts };
	if (!(prog = vm_prog_load(vm, conv, ncnt, &po, &extra))) {
		err = -errno;
		goto out;
	}
	/* the packet in a buffer of its exact length: the sanitizer build
	 * sees a read past it */
	memcpy(pkt, pkt_in, len);
	struct bpfrt_xdp_ctx xdp;
	memset(&xdp, 0, sizeof(xdp));
	/* the kernel's test run receives on lo: ingress_ifindex 1 */
	uint32_t lo = 1;
	memcpy(xdp.uapi + 12, &lo, sizeof(lo));
	xdp.data = xdp.data_meta = (uint64_t)(uintptr_t)pkt;
	xdp.data_end = xdp.data + len;
	struct bpfrt_run_opts ro = { .sz = sizeof(ro), .log_buf = why, .log_size = why_size };
	err = bpfrt_prog__run(prog, &xdp, sizeof(xdp), r0, &ro);
out:
	bpfrt_prog__free(prog);
	verifier_facts_free(facts);
	free(vfacts);
	free(slot_map);
	free(conv);
	free(pkt);
	bpfrt_map__free(maps[0]);
	bpfrt_map__free(maps[1]);
	return err;
}
