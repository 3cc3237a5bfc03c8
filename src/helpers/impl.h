/* SPDX-License-Identifier: MIT */
/*
 * Which function implements each helper of the table (protos.c). A helper
 * with no implementation yet maps to NULL: the table still knows its id and
 * prototype, and loading a program that calls it fails naming the helper.
 */
#ifndef BPFRT_HELPERS_IMPL_H
#define BPFRT_HELPERS_IMPL_H

#include "bpfrt/vm.h"

#define HELPER_FN(name)                                                                             \
	uint64_t helper_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,    \
			       struct bpfrt_run_ctx *rc)

#define HELPER_IMPL_name NULL
#define HELPER_IMPL_nm NULL
HELPER_FN(map_lookup_elem);
#define HELPER_IMPL_map_lookup_elem helper_map_lookup_elem
HELPER_FN(map_update_elem);
#define HELPER_IMPL_map_update_elem helper_map_update_elem
HELPER_FN(map_delete_elem);
#define HELPER_IMPL_map_delete_elem helper_map_delete_elem
HELPER_FN(probe_read);
#define HELPER_IMPL_probe_read helper_probe_read
HELPER_FN(ktime_get_ns);
#define HELPER_IMPL_ktime_get_ns helper_ktime_get_ns
HELPER_FN(trace_printk);
#define HELPER_IMPL_trace_printk helper_trace_printk
HELPER_FN(get_prandom_u32);
#define HELPER_IMPL_get_prandom_u32 helper_get_prandom_u32
HELPER_FN(get_smp_processor_id);
#define HELPER_IMPL_get_smp_processor_id helper_get_smp_processor_id
HELPER_FN(tail_call);
#define HELPER_IMPL_tail_call helper_tail_call
HELPER_FN(get_current_pid_tgid);
#define HELPER_IMPL_get_current_pid_tgid helper_get_current_pid_tgid
HELPER_FN(get_current_uid_gid);
#define HELPER_IMPL_get_current_uid_gid helper_get_current_uid_gid
HELPER_FN(get_current_comm);
#define HELPER_IMPL_get_current_comm helper_get_current_comm
HELPER_FN(perf_event_output);
#define HELPER_IMPL_perf_event_output helper_perf_event_output
HELPER_FN(get_stackid);
#define HELPER_IMPL_get_stackid helper_get_stackid
HELPER_FN(get_numa_node_id);
#define HELPER_IMPL_get_numa_node_id helper_get_numa_node_id
HELPER_FN(probe_read_str);
#define HELPER_IMPL_probe_read_str helper_probe_read_str
HELPER_FN(get_stack);
#define HELPER_IMPL_get_stack helper_get_stack
HELPER_FN(map_push_elem);
#define HELPER_IMPL_map_push_elem helper_map_push_elem
HELPER_FN(map_pop_elem);
#define HELPER_IMPL_map_pop_elem helper_map_pop_elem
HELPER_FN(map_peek_elem);
#define HELPER_IMPL_map_peek_elem helper_map_peek_elem
HELPER_FN(spin_lock);
#define HELPER_IMPL_spin_lock helper_spin_lock
HELPER_FN(spin_unlock);
#define HELPER_IMPL_spin_unlock helper_spin_unlock
/* In user space, user and "kernel" addresses are the same memory. */
#define HELPER_IMPL_probe_read_user helper_probe_read
#define HELPER_IMPL_probe_read_kernel helper_probe_read
#define HELPER_IMPL_probe_read_user_str helper_probe_read_str
#define HELPER_IMPL_probe_read_kernel_str helper_probe_read_str
HELPER_FN(jiffies64);
#define HELPER_IMPL_jiffies64 helper_jiffies64
HELPER_FN(ktime_get_boot_ns);
#define HELPER_IMPL_ktime_get_boot_ns helper_ktime_get_boot_ns
HELPER_FN(ringbuf_output);
#define HELPER_IMPL_ringbuf_output helper_ringbuf_output
HELPER_FN(ringbuf_reserve);
#define HELPER_IMPL_ringbuf_reserve helper_ringbuf_reserve
HELPER_FN(ringbuf_submit);
#define HELPER_IMPL_ringbuf_submit helper_ringbuf_submit
HELPER_FN(ringbuf_discard);
#define HELPER_IMPL_ringbuf_discard helper_ringbuf_discard
HELPER_FN(ringbuf_query);
#define HELPER_IMPL_ringbuf_query helper_ringbuf_query
HELPER_FN(ktime_get_coarse_ns);
#define HELPER_IMPL_ktime_get_coarse_ns helper_ktime_get_coarse_ns
HELPER_FN(for_each_map_elem);
#define HELPER_IMPL_for_each_map_elem helper_for_each_map_elem
HELPER_FN(snprintf);
#define HELPER_IMPL_snprintf helper_snprintf
HELPER_FN(strncmp);
#define HELPER_IMPL_strncmp helper_strncmp
HELPER_FN(get_func_ip);
#define HELPER_IMPL_get_func_ip helper_get_func_ip
HELPER_FN(get_attach_cookie);
#define HELPER_IMPL_get_attach_cookie helper_get_attach_cookie
HELPER_FN(trace_vprintk);
#define HELPER_IMPL_trace_vprintk helper_trace_vprintk
HELPER_FN(loop);
#define HELPER_IMPL_loop helper_loop
HELPER_FN(get_func_arg);
#define HELPER_IMPL_get_func_arg helper_get_func_arg
HELPER_FN(get_func_ret);
#define HELPER_IMPL_get_func_ret helper_get_func_ret
HELPER_FN(get_func_arg_cnt);
#define HELPER_IMPL_get_func_arg_cnt helper_get_func_arg_cnt
HELPER_FN(map_lookup_percpu_elem);
#define HELPER_IMPL_map_lookup_percpu_elem helper_map_lookup_percpu_elem
HELPER_FN(ktime_get_tai_ns);
HELPER_FN(dynptr_from_mem);
#define HELPER_IMPL_dynptr_from_mem helper_dynptr_from_mem
HELPER_FN(dynptr_read);
#define HELPER_IMPL_dynptr_read helper_dynptr_read
HELPER_FN(dynptr_write);
#define HELPER_IMPL_dynptr_write helper_dynptr_write
#define HELPER_IMPL_ktime_get_tai_ns helper_ktime_get_tai_ns
HELPER_FN(ringbuf_reserve_dynptr);
#define HELPER_IMPL_ringbuf_reserve_dynptr helper_ringbuf_reserve_dynptr
HELPER_FN(ringbuf_submit_dynptr);
#define HELPER_IMPL_ringbuf_submit_dynptr helper_ringbuf_submit_dynptr
HELPER_FN(ringbuf_discard_dynptr);
#define HELPER_IMPL_ringbuf_discard_dynptr helper_ringbuf_discard_dynptr
HELPER_FN(dynptr_data);
#define HELPER_IMPL_dynptr_data helper_dynptr_data

/* Packet helpers (packet.c): they work on the runtime's packet frame. */
HELPER_FN(skb_store_bytes);
#define HELPER_IMPL_skb_store_bytes helper_skb_store_bytes
HELPER_FN(l3_csum_replace);
#define HELPER_IMPL_l3_csum_replace helper_l3_csum_replace
HELPER_FN(l4_csum_replace);
#define HELPER_IMPL_l4_csum_replace helper_l4_csum_replace
HELPER_FN(skb_load_bytes);
#define HELPER_IMPL_skb_load_bytes helper_skb_load_bytes
HELPER_FN(csum_diff);
#define HELPER_IMPL_csum_diff helper_csum_diff
HELPER_FN(skb_pull_data);
#define HELPER_IMPL_skb_pull_data helper_skb_pull_data
HELPER_FN(xdp_adjust_head);
#define HELPER_IMPL_xdp_adjust_head helper_xdp_adjust_head
HELPER_FN(xdp_adjust_meta);
#define HELPER_IMPL_xdp_adjust_meta helper_xdp_adjust_meta
HELPER_FN(xdp_adjust_tail);
#define HELPER_IMPL_xdp_adjust_tail helper_xdp_adjust_tail
HELPER_FN(xdp_get_buff_len);
#define HELPER_IMPL_xdp_get_buff_len helper_xdp_get_buff_len
HELPER_FN(xdp_load_bytes);
#define HELPER_IMPL_xdp_load_bytes helper_xdp_load_bytes
HELPER_FN(xdp_store_bytes);
#define HELPER_IMPL_xdp_store_bytes helper_xdp_store_bytes

#endif /* BPFRT_HELPERS_IMPL_H */
