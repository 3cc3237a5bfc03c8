/* SPDX-License-Identifier: MIT */
/*
 * Packet runs (xdp, tc, socket programs): the packet copied into a frame
 * with headroom and tailroom (helpers/pkt_frame.h) as BPF_PROG_TEST_RUN
 * copies data_in, the context around it, and the packet after the run as
 * its data_out. The runtime's bpfrt_runtime__run uses these; tests that
 * load programs themselves (the kernel differential) too.
 */
#ifndef BPFRT_RUNTIME_PKT_RUN_H
#define BPFRT_RUNTIME_PKT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "helpers/pkt_frame.h"

/* A frame holding a copy of the `len` bytes at `pkt`, and the program's
 * context pointing into it, with the fields the kernel's test run sets:
 * struct xdp_md's ingress_ifindex (1: loopback); __sk_buff's len,
 * protocol and pkt_type (from the Ethernet header) and ifindex (1). `l3`: a
 * socket filter, whose data starts past the Ethernet header. 0, -EINVAL
 * (kind) or -ENOMEM. */
int pkt_frame_init(struct pkt_frame *f, enum fixup_ctx_kind kind, bool l3, const void *pkt,
		   size_t len);
void pkt_frame_fini(struct pkt_frame *f);

/* The context the program gets (r1) and its size. */
void *pkt_frame_ctx(struct pkt_frame *f, size_t *size);

/* The packet after the run, as the kernel's test run returns it: xdp from
 * data_meta (the metadata, then the packet), tc from data, socket filters
 * with the Ethernet header they did not see zeroed. Copies at most *size
 * bytes to out and sets *size to the whole length: 0, or -ENOSPC when it
 * did not fit. */
int pkt_frame_output(const struct pkt_frame *f, void *out, size_t *size);

#endif /* BPFRT_RUNTIME_PKT_RUN_H */
