/* SPDX-License-Identifier: MIT */
/*
 * The accept/reject suite: every `.case` file in cases/ holds cases written in
 * assembler text, each with the verdict and, for rejections, a substring of
 * the expected message:
 *
 *	== a name saying what the case checks
 *	-- opts                      (optional, one per line)
 *	attach uprobe | mech trampoline | ctx 64 | nr_args 2
 *	map TYPE KEY VALUE ENTRIES [FLAGS]   (referred to as map[idx:N] in order)
 *	frozen HEX BYTES             (the last map is frozen with these bytes,
 *	                              zero-padded to its value size: .rodata)
 *	helper ID NARGS | kernel_compat | gpl
 *	spin_lock OFF | btf           (the last map's value BTF: lock offset, or none)
 *	kernel xdp|sched_cls|socket  (KERNEL_VERDICTS build: the kernel's
 *	                              verdict and message must be the same)
 *	global LABEL [scalar|ctx|mem:SIZE]...  (the function at LABEL is global)
 *
 * `call kfunc NAME` is assembled as a call of that kfunc's table index.
 *	-- asm
 *	mov %r0, 0
 *	exit
 *	-- accept                    or   -- reject
 *	                                  R1 invalid mem access 'scalar'
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "bpfrt/verifier.h"
#include "helpers/kfuncs.h"
#ifdef KERNEL_VERDICTS
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include "kbpf.h"
#endif

struct vcase {
	char name[160];
	struct bpfrt_verify_opts o;
	struct bpfrt_verify_map maps[8];
	uint8_t frozen[8][512];
	struct bpfrt_verify_helper helpers[8];
	struct bpfrt_verify_func funcs[8];
	char func_label[8][32];
	char *asm_text;
	size_t asm_len, asm_cap;
	int expect; /* 1 accept, 0 reject, -1 unset */
	char message[256];
	uint32_t kernel_type; /* `kernel TYPE`: BPF_PROG_TYPE_* + 1, 0 none */
};

static int total, failed;

static void append(struct vcase *c, const char *line)
{
	size_t n = strlen(line);
	if (c->asm_len + n + 2 > c->asm_cap) {
		c->asm_cap = (c->asm_len + n + 2) * 2;
		c->asm_text = realloc(c->asm_text, c->asm_cap);
		assert_non_null(c->asm_text);
	}
	memcpy(c->asm_text + c->asm_len, line, n);
	c->asm_len += n;
	c->asm_text[c->asm_len++] = '\n';
	c->asm_text[c->asm_len] = 0;
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
		static const char *const types[] = { "socket", "sched_cls", "xdp" };
		static const uint32_t nums[] = { 1, 3, 6 }; /* BPF_PROG_TYPE_* */
		for (size_t i = 0; i < 3; i++)
			if (!strcmp(arg, types[i]))
				c->kernel_type = nums[i] + 1;
		if (!c->kernel_type)
			return -1;
	}
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
		c->maps[o->map_cnt++] = (struct bpfrt_verify_map){ a, b, d, e, f, NULL, false, -1 };
	} else if ((!strcmp(word, "spin_lock") || !strcmp(word, "btf")) && o->map_cnt) {
		int off = -1;
		if (!strcmp(word, "spin_lock") && sscanf(line, "%*s %d", &off) != 1)
			return -1;
		c->maps[o->map_cnt - 1].value_btf = true;
		c->maps[o->map_cnt - 1].spin_lock_off = off;
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
			else if (strcmp(args[i], "scalar"))
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
#ifdef KERNEL_VERDICTS
/* The kernel's verdict on a case marked `kernel TYPE`: the program loaded
 * as that type in a forked child (kbpf), its maps created in the kernel.
 * Disagreements (verdict, or the expected message missing from the
 * kernel's log) are printed and fail the test. */
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
static int kernel_kfuncs(const char *file, struct vcase *c, struct bpfrt_insn *insns, size_t cnt)
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
			printf("%s: %s: the kernel has no kfunc %s\n", file, c->name,
			       k ? k->name : "?");
			return -1;
		}
		in->imm = id;
		in->off = 0;
	}
	return 0;
}

static int kernel_case(const char *file, struct vcase *c, struct bpfrt_insn *insns, size_t cnt)
{
	static char klog[1 << 16];
	int fds[8], err = 0;
	if (kernel_kfuncs(file, c, insns, cnt))
		return -1;
	for (size_t i = 0; i < c->o.map_cnt; i++) {
		const struct bpfrt_verify_map *m = &c->maps[i];
		fds[i] = m->value_btf ? kernel_btf_map(m)
				      : kbpf_map_create(m->type, m->key_size, m->value_size,
							m->max_entries, m->flags);
		if (fds[i] < 0) {
			printf("%s: %s: kernel map %zu: %s\n", file, c->name, i, strerror(-fds[i]));
			for (size_t j = 0; j < i; j++)
				close(fds[j]);
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
	struct kbpf_prog kp = {
		.insns = insns, .insn_cnt = cnt, .prog_type = c->kernel_type - 1,
		.log_buf = klog, .log_size = sizeof(klog),
	};
	struct kbpf_result r;
	klog[0] = 0;
	kbpf_prog_check(&kp, 10000, &r);
	for (size_t i = 0; i < c->o.map_cnt; i++)
		close(fds[i]);
	if (r.outcome != KBPF_OK && r.outcome != KBPF_REJECTED) {
		printf("%s: %s: the kernel gave no verdict (%s)\n", file, c->name,
		       kbpf_outcome_name(r.outcome));
		return -1;
	}
	bool kaccepts = r.outcome == KBPF_OK;
	if (kaccepts != (c->expect == 1)) {
		printf("%s: %s: DISAGREE: the kernel %s, the case expects %s\n%s\n", file, c->name,
		       kaccepts ? "accepts" : "rejects", c->expect ? "accepted" : "rejected", klog);
		err = -1;
	} else if (!kaccepts && c->message[0] && !strstr(klog, c->message)) {
		printf("%s: %s: the kernel rejects, but its log lacks '%s':\n%s\n", file, c->name,
		       c->message, klog);
		err = -1;
	}
	return err;
}
#endif

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

static void run_case(const char *file, struct vcase *c)
{
	char log[16384], alog[512] = "";
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	total++;
	if (c->expect < 0) {
		printf("%s: %s: no verdict\n", file, c->name);
		failed++;
		return;
	}
	struct bpfrt_asm_opts ao = { .sz = sizeof(ao), .filename = c->name, .log_buf = alog,
				     .log_size = sizeof(alog) };
	if (c->asm_text && resolve_kfuncs(c->asm_text)) {
		printf("%s: %s: unknown kfunc\n", file, c->name);
		failed++;
		return;
	}
	if (bpfrt_asm(c->asm_text ? c->asm_text : "", &ao, &insns, &cnt)) {
		printf("%s: %s: does not assemble: %s\n", file, c->name, alog);
		failed++;
		return;
	}
#ifdef KERNEL_VERDICTS
	if (!c->kernel_type) {
		total--;
		free(insns);
		return;
	}
	if (kernel_case(file, c, insns, cnt))
		failed++;
	free(insns);
	return;
#endif
	c->o.sz = sizeof(c->o);
	c->o.maps = c->o.map_cnt ? c->maps : NULL;
	c->o.helpers = c->o.helper_cnt ? c->helpers : NULL;
	c->o.funcs = c->o.func_cnt ? c->funcs : NULL;
	for (size_t i = 0; i < c->o.func_cnt; i++) {
		int at = c->asm_text ? label_index(c->asm_text, c->func_label[i]) : -1;
		if (at < 0) {
			printf("%s: %s: no label %s\n", file, c->name, c->func_label[i]);
			failed++;
			free(insns);
			return;
		}
		c->funcs[i].insn_idx = (uint32_t)at;
		c->funcs[i].name = c->func_label[i];
	}
	c->o.log_level = 1;
	c->o.log_buf = log;
	c->o.log_size = sizeof(log);
	int err = bpfrt_verify(insns, cnt, &c->o);
	free(insns);
	if (getenv("VCASES_LOG")) /* to write a case's expected message */
		printf("%s: %s: %s\n%s\n", file, c->name, err ? "rejected" : "accepted", log);
	if (c->expect && err) {
		printf("%s: %s: rejected, expected accepted:\n%s\n", file, c->name, log);
		failed++;
	} else if (!c->expect && !err) {
		printf("%s: %s: accepted, expected rejected (%s)\n", file, c->name, c->message);
		failed++;
	} else if (!c->expect && c->message[0] && !strstr(log, c->message)) {
		printf("%s: %s: rejected, but the log lacks '%s':\n%s\n", file, c->name, c->message,
		       log);
		failed++;
	}
}

static void run_file(const char *dir, const char *file)
{
	char path[1024], line[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct vcase c;
	bool have = false;
	enum { NONE, OPTS, ASM, VERDICT } sec = NONE;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "== ", 3)) {
			if (have) {
				run_case(file, &c);
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
			if (parse_opt(&c, line)) {
				printf("%s: %s: bad option line '%s'\n", file, c.name, line);
				failed++;
			}
		} else if (sec == ASM) {
			append(&c, line);
		} else if (sec == VERDICT && line[0] && !c.message[0]) {
			snprintf(c.message, sizeof(c.message), "%.255s", line);
		}
	}
	if (have) {
		run_case(file, &c);
		free(c.asm_text);
	}
	fclose(f);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void every_case_has_its_verdict(void **state)
{
	(void)state;
	struct dirent **list;
	/* VCASES=alu_ptr runs only the files whose name contains it. */
	const char *only = getenv("VCASES");
	int n = scandir(BPFRT_VERIFIER_CASES, &list, NULL, by_name);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name);
		if (len > 5 && !strcmp(list[i]->d_name + len - 5, ".case") &&
		    (!only || strstr(list[i]->d_name, only)))
			run_file(BPFRT_VERIFIER_CASES, list[i]->d_name);
		free(list[i]);
	}
	free(list);
#ifdef KERNEL_VERDICTS
	printf("%d of %d cases marked `kernel` get the kernel's verdict\n", total - failed, total);
#else
	printf("%d of %d verifier cases as expected\n", total - failed, total);
#endif
	assert_int_equal(failed, 0);
}

int main(void)
{
#ifdef KERNEL_VERDICTS
	int kerr = kbpf_available();
	if (kerr) {
		printf("bpf() unavailable (%s): skipped\n", strerror(-kerr));
		return 77;
	}
#endif
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_case_has_its_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
