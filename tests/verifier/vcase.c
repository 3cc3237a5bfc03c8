/* SPDX-License-Identifier: MIT */
/* Reading .case files and turning a case into a kernel program: see vcase.h
 * and the format in test_cases.c. */
#include "vcase.h"

#include <bpf/bpf.h>
#include <dirent.h>
#include <bpf/btf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfrt/asm.h"
#include "helpers/kfuncs.h"
#include "kbpf.h"
#include "support/btf_target.h"

static int append(struct vcase *c, const char *line)
{
	size_t n = strlen(line);
	if (c->asm_len + n + 2 > c->asm_cap) {
		c->asm_cap = (c->asm_len + n + 2) * 2;
		char *t = realloc(c->asm_text, c->asm_cap);
		if (!t)
			return -ENOMEM;
		c->asm_text = t;
	}
	memcpy(c->asm_text + c->asm_len, line, n);
	c->asm_len += n;
	c->asm_text[c->asm_len++] = '\n';
	c->asm_text[c->asm_len] = 0;
	return 0;
}

static int parse_opt(struct vcase *c, const char *line)
{
	struct bpfrt_verify_opts *o = &c->o;
	char word[32], arg[64];
	unsigned a, b, d, e, f = 0;
	if (sscanf(line, "%31s", word) != 1)
		return 0;
	if (!strcmp(word, "kernel_compat"))
		o->kernel_compat = true;
	else if (!strcmp(word, "gpl"))
		o->gpl = true;
	else if (!strcmp(word, "kernel") && sscanf(line, "%*s %63s", arg) == 1) {
		static const char *const types[] = { "socket", "sched_cls", "xdp", "cgroup_skb",
						     "raw_tracepoint", "tracepoint",
						     "raw_tracepoint_writable" };
		static const uint32_t nums[] = { 1, 3, 6, 8, 17, 5, 24 }; /* BPF_PROG_TYPE_* */
		for (size_t i = 0; i < 7; i++)
			if (!strcmp(arg, types[i]))
				c->kernel_type = nums[i] + 1;
		if (!c->kernel_type)
			return -1;
		if (c->kernel_type == 24 + 1)
			o->prog_type = 24; /* raw_tp.w: bpfrt is told too */
	}
	else if (!strcmp(word, "target") && sscanf(line, "%*s %63s", arg) == 1) {
		/* the traced function or tracepoint, in support/btf_target.h's BTF */
		static struct btf *tbtf;
		if (!tbtf && (tbtf = bt_btf_new()) && bt_add_tp_types(tbtf)) {
			btf__free(tbtf);
			tbtf = NULL;
		}
		if (!tbtf)
			return -1;
		snprintf(c->target, sizeof(c->target), "%s", arg);
		o->target_btf = tbtf;
		o->target_func = c->target;
	} else if (!strcmp(word, "prog_type") && sscanf(line, "%*s %u", &a) == 1)
		o->prog_type = a; /* the kernel's enum bpf_prog_type: 24 raw_tp.w */
	else if (!strcmp(word, "expected_attach") && sscanf(line, "%*s %u", &a) == 1)
		o->expected_attach_type = a; /* the kernel's enum bpf_attach_type */
	else if (!strcmp(word, "ctx") && sscanf(line, "%*s %u", &a) == 1)
		o->ctx_size = a;
	else if (!strcmp(word, "nr_args") && sscanf(line, "%*s %u", &a) == 1)
		o->nr_args = a;
	else if (!strcmp(word, "mech") && sscanf(line, "%*s %63s", arg) == 1)
		o->probe_mech = !strcmp(arg, "trampoline") ? BPFRT_PROBE_TRAMPOLINE : BPFRT_PROBE_INT3;
	else if (!strcmp(word, "attach") && sscanf(line, "%*s %63s", arg) == 1) {
		int k;
		for (k = 0; k < BPFRT_ATTACH_KIND_COUNT; k++) {
			const char *n = bpfrt_attach_kind_name((enum bpfrt_attach_kind)k);
			if (n && !strcmp(n, arg))
				break;
		}
		if (k == BPFRT_ATTACH_KIND_COUNT)
			return -1;
		o->attach = (enum bpfrt_attach_kind)k;
	} else if (!strcmp(word, "map") &&
		   sscanf(line, "%*s %u %u %u %u %u", &a, &b, &d, &e, &f) >= 4 && o->map_cnt < 8) {
		c->maps[o->map_cnt++] = (struct bpfrt_verify_map){ a, b, d, e, f, NULL, false, -1, 0 };
	} else if ((!strcmp(word, "spin_lock") || !strcmp(word, "btf")) && o->map_cnt) {
		int off = -1;
		if (!strcmp(word, "spin_lock") && sscanf(line, "%*s %d", &off) != 1)
			return -1;
		c->maps[o->map_cnt - 1].value_btf = true;
		c->maps[o->map_cnt - 1].spin_lock_off = off;
	} else if (!strcmp(word, "inner") && o->map_cnt &&
		   sscanf(line, "%*s %u", &a) == 1) { /* map of maps: its template map */
		c->maps[o->map_cnt - 1].inner_map = a + 1;
	} else if (!strcmp(word, "frozen") && o->map_cnt &&
		   c->maps[o->map_cnt - 1].value_size <= sizeof(c->frozen[0])) {
		uint8_t *bytes = c->frozen[o->map_cnt - 1];
		const char *p = line + strlen("frozen");
		char *end;
		memset(bytes, 0, sizeof(c->frozen[0]));
		for (size_t i = 0; i < sizeof(c->frozen[0]); i++, p = end) {
			unsigned long v = strtoul(p, &end, 16);
			if (end == p)
				break;
			bytes[i] = (uint8_t)v;
		}
		c->maps[o->map_cnt - 1].frozen_data = bytes;
	} else if (!strcmp(word, "global") && o->func_cnt < 8) {
		struct bpfrt_verify_func *fn = &c->funcs[o->func_cnt];
		char label[32], args[5][32];
		int n = sscanf(line, "%*s %31s %31s %31s %31s %31s %31s", label, args[0], args[1],
			       args[2], args[3], args[4]);
		if (n < 1)
			return -1;
		*fn = (struct bpfrt_verify_func){ .global = true, .nargs = (uint32_t)n - 1 };
		for (int i = 0; i < n - 1; i++) {
			if (!strcmp(args[i], "ctx"))
				fn->args[i].kind = BPFRT_VARG_CTX;
			else if (sscanf(args[i], "mem:%u", &fn->args[i].size) == 1)
				fn->args[i].kind = BPFRT_VARG_MEM;
			else if (sscanf(args[i], "nonnull:%u", &fn->args[i].size) == 1)
				fn->args[i].kind = BPFRT_VARG_MEM_NONNULL;
			else if (!strcmp(args[i], "untrusted"))
				fn->args[i].kind = BPFRT_VARG_UNTRUSTED; /* void * */
			else if (!strcmp(args[i], "arena"))
				fn->args[i].kind = BPFRT_VARG_ARENA;
			else if (!strcmp(args[i], "dynptr"))
				fn->args[i].kind = BPFRT_VARG_DYNPTR;
			else if (!strncmp(args[i], "trusted:", 8) || !strncmp(args[i], "nullable:", 9) ||
				 !strncmp(args[i], "untrusted:", 10)) {
				/* a struct of the target BTF, by name */
				char *colon = strchr(args[i], ':');
				fn->args[i].kind = args[i][0] == 't' ? BPFRT_VARG_TRUSTED
						 : args[i][0] == 'n' ? BPFRT_VARG_TRUSTED_OR_NULL
								     : BPFRT_VARG_UNTRUSTED;
				snprintf(c->func_types[o->func_cnt][i], sizeof(c->func_types[0][0]), "%s",
					 colon + 1);
				fn->args[i].type = c->func_types[o->func_cnt][i];
				fn->args[i].type_kind = 4; /* BTF_KIND_STRUCT */
			} else if (strcmp(args[i], "scalar"))
				return -1;
		}
		snprintf(c->func_label[o->func_cnt++], sizeof(c->func_label[0]), "%s", label);
	} else if (!strcmp(word, "helper") && sscanf(line, "%*s %u %u", &a, &b) == 2 &&
		   o->helper_cnt < 8) {
		c->helpers[o->helper_cnt++] = (struct bpfrt_verify_helper){ a, b };
	} else
		return -1;
	return 0;
}

/* `kfunc NAME` -> `kfunc INDEX` (in place: the index is never longer). */
static int resolve_kfuncs(char *text)
{
	for (char *p = text; (p = strstr(p, "kfunc ")); ) {
		char *name = p + 6, *end = name;
		while (*end == '_' || (*end >= 'a' && *end <= 'z') || (*end >= '0' && *end <= '9'))
			end++;
		if (end == name || (*name >= '0' && *name <= '9')) {
			p = end;
			continue;
		}
		char saved = *end;
		*end = 0;
		int idx = kfunc_find_by_name(name);
		*end = saved;
		if (idx < 0)
			return -1;
		int n = snprintf(name, (size_t)(end - name) + 1, "%d", idx);
		memset(name + n, ' ', (size_t)(end - name - n));
		p = end;
	}
	return 0;
}
/* The instruction index of `label:` in the case's text (lddw takes two). */
static int label_index(const char *text, const char *label)
{
	int idx = 0;
	size_t n = strlen(label);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\n' || *l == '#' || *l == ';')
			continue;
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		while (len && (l[len - 1] == ' ' || l[len - 1] == '\r'))
			len--;
		if (len && l[len - 1] == ':') {
			if (len - 1 == n && !memcmp(l, label, n))
				return idx;
			continue;
		}
		if (len)
			idx += strncmp(l, "lddw", 4) ? 1 : 2;
	}
	return -1;
}

int vcase_read_file(const char *dir, const char *file,
		    void (*fn)(const char *file, struct vcase *c, void *arg), void *arg)
{
	char path[1024], line[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	static struct vcase c; /* large: not on the stack */
	bool have = false;
	enum { NONE, OPTS, ASM, VERDICT } sec = NONE;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "== ", 3)) {
			if (have) {
				fn(file, &c, arg);
				free(c.asm_text);
			}
			memset(&c, 0, sizeof(c));
			c.expect = -1;
			snprintf(c.name, sizeof(c.name), "%.159s", line + 3);
			have = true;
			sec = NONE;
			continue;
		}
		if (!have)
			continue;
		if (!strcmp(line, "-- opts")) {
			sec = OPTS;
		} else if (!strcmp(line, "-- asm")) {
			sec = ASM;
		} else if (!strcmp(line, "-- accept")) {
			c.expect = 1;
			sec = VERDICT;
		} else if (!strcmp(line, "-- reject")) {
			c.expect = 0;
			sec = VERDICT;
		} else if (sec == OPTS && line[0] && line[0] != '#') {
			if (parse_opt(&c, line) && !c.bad_opt) {
				snprintf(c.bad_opt_buf, sizeof(c.bad_opt_buf), "%.127s", line);
				c.bad_opt = c.bad_opt_buf;
			}
		} else if (sec == ASM) {
			if (append(&c, line)) {
				fclose(f);
				return -ENOMEM;
			}
		} else if (sec == VERDICT && line[0] && !c.message[0]) {
			snprintf(c.message, sizeof(c.message), "%.255s", line);
		}
	}
	if (have) {
		fn(file, &c, arg);
		free(c.asm_text);
	}
	fclose(f);
	return 0;
}

/* A map whose value BTF the case gives (`spin_lock OFF`, `btf`): in the
 * kernel the map is created with that BTF (a struct with the lock). */
static int kernel_btf_map(const struct bpfrt_verify_map *m)
{
	struct btf *btf = btf__new_empty();
	if (!btf)
		return -ENOMEM;
	int u32 = btf__add_int(btf, "unsigned int", 4, 0);
	int lock = btf__add_struct(btf, "bpf_spin_lock", 4);
	btf__add_field(btf, "val", u32, 0, 0);
	int val = btf__add_struct(btf, "value", m->value_size);
	if (m->spin_lock_off >= 0)
		btf__add_field(btf, "lock", lock, (uint32_t)m->spin_lock_off * 8, 0);
	else
		btf__add_field(btf, "x", u32, 0, 0);
	int fd = btf__load_into_kernel(btf);
	if (!fd) {
		LIBBPF_OPTS(bpf_map_create_opts, o, .btf_fd = (uint32_t)btf__fd(btf),
			    .btf_key_type_id = m->key_size == 4 ? (uint32_t)u32 : 0,
			    .btf_value_type_id = (uint32_t)val, .map_flags = m->flags);
		fd = bpf_map_create(m->type, NULL, m->key_size, m->value_size, m->max_entries, &o);
	}
	btf__free(btf);
	return fd;
}

/* Kfunc calls name the kernel's kfunc by its vmlinux BTF id. */
static int kernel_kfuncs(struct bpfrt_insn *insns, size_t cnt, char *why, size_t why_size)
{
	static struct btf *vmlinux;
	for (size_t i = 0; i < cnt; i++) {
		struct bpfrt_insn *in = &insns[i];
		if (in->code != (BPFRT_JMP | BPFRT_CALL) || in->src_reg != BPF_PSEUDO_KFUNC_CALL)
			continue;
		const struct kfunc_proto *k = kfunc_get((uint32_t)in->imm);
		if (!vmlinux)
			vmlinux = btf__load_vmlinux_btf();
		int id = k && vmlinux ? btf__find_by_name_kind(vmlinux, k->name, BTF_KIND_FUNC) : -1;
		if (id < 0) {
			snprintf(why, why_size, "the kernel has no kfunc %s", k ? k->name : "?");
			return -1;
		}
		in->imm = id;
		in->off = 0;
	}
	return 0;
}


int vcase_assemble(struct vcase *c, struct bpfrt_insn **insns, size_t *cnt, char *why,
		   size_t why_size)
{
	char alog[512] = "";
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = c->name, .log_buf = alog,
				     .log_size = sizeof(alog) };
	*insns = NULL;
	*cnt = 0;
	if (c->asm_text && resolve_kfuncs(c->asm_text)) {
		snprintf(why, why_size, "unknown kfunc");
		return -EINVAL;
	}
	if (bpfrt_asm(c->asm_text ? c->asm_text : "", &ao, insns, cnt)) {
		snprintf(why, why_size, "does not assemble: %s", alog);
		return -EINVAL;
	}
	c->o.sz = sizeof(c->o);
	c->o.maps = c->o.map_cnt ? c->maps : NULL;
	c->o.helpers = c->o.helper_cnt ? c->helpers : NULL;
	c->o.funcs = c->o.func_cnt ? c->funcs : NULL;
	for (size_t i = 0; i < c->o.func_cnt; i++) {
		int at = c->asm_text ? label_index(c->asm_text, c->func_label[i]) : -1;
		if (at < 0) {
			snprintf(why, why_size, "no label %s", c->func_label[i]);
			free(*insns);
			*insns = NULL;
			return -EINVAL;
		}
		c->funcs[i].insn_idx = (uint32_t)at;
		c->funcs[i].name = c->func_label[i];
	}
	return 0;
}

void vcase_kernel_maps_close(const struct vcase *c, int fds[8])
{
	for (size_t i = 0; i < c->o.map_cnt && i < 8; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int vcase_kernel_prepare(const struct vcase *c, struct bpfrt_insn *insns, size_t cnt, int fds[8],
			 char *why, size_t why_size)
{
	for (size_t i = 0; i < 8; i++)
		fds[i] = -1;
	if (kernel_kfuncs(insns, cnt, why, why_size))
		return -1;
	for (size_t i = 0; i < c->o.map_cnt && i < 8; i++) {
		const struct bpfrt_verify_map *m = &c->maps[i];
		uint32_t zero = 0;
		fds[i] = m->value_btf ? kernel_btf_map(m)
				      : kbpf_map_create(m->type, m->key_size, m->value_size,
							m->max_entries, m->flags);
		int err = fds[i] < 0 ? fds[i] : 0;
		if (!err && m->frozen_data)
			err = kbpf_map_update(fds[i], &zero, m->frozen_data, 0);
		if (!err && m->frozen_data)
			err = kbpf_map_freeze(fds[i]);
		if (err) {
			snprintf(why, why_size, "kernel map %zu: %s", i, strerror(-err));
			vcase_kernel_maps_close(c, fds);
			return -1;
		}
	}
	for (size_t i = 0; i < cnt; i++) {
		struct bpfrt_insn *in = &insns[i];
		if (in->code == (BPFRT_LD | BPFRT_IMM | BPFRT_DW) &&
		    (in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == BPF_PSEUDO_MAP_FD ||
		     in->src_reg == BPF_PSEUDO_MAP_IDX_VALUE || in->src_reg == BPF_PSEUDO_MAP_VALUE) &&
		    (uint32_t)in->imm < c->o.map_cnt) {
			in->imm = fds[in->imm];
			in->src_reg = in->src_reg == BPF_PSEUDO_MAP_IDX || in->src_reg == BPF_PSEUDO_MAP_FD
					      ? BPF_PSEUDO_MAP_FD
					      : BPF_PSEUDO_MAP_VALUE;
		}
	}
	return 0;
}

int vcase_read_dir(const char *dir, void (*fn)(const char *file, struct vcase *c, void *arg),
		   void *arg)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort), files = 0, err = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name);

		if (!err && len > 5 && !strcmp(list[i]->d_name + len - 5, ".case")) {
			err = vcase_read_file(dir, list[i]->d_name, fn, arg);
			files++;
		}
		free(list[i]);
	}
	free(list);
	return err ? err : files;
}
