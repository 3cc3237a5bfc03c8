/* SPDX-License-Identifier: MIT */
/*
 * What the corpus's programs include: the UAPI and libbpf headers a libbpf
 * user writes against, no vmlinux.h (the kernel structures a tracing tool
 * would read are declared by the programs themselves).
 */
#ifndef BPFRT_REALPROGS_H
#define BPFRT_REALPROGS_H

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/ptrace.h>
#include <linux/bpf_perf_event.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#ifndef ETH_P_8021Q
#define ETH_P_8021Q 0x8100
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

#endif
