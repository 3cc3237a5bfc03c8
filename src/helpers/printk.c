/* SPDX-License-Identifier: MIT */
/*
 * bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf, with the kernel's
 * format rules (kernel/bpf/helpers.c, bpf_bprintf_prepare): conversions
 * d i u x X o c s p (with px pK pS pB ps pi4 pI4 pi6 pI6), optional flags
 * "0+- #", a width, and length modifiers l or ll; no precision, no '*'.
 * %s strings are read fault-safely. A format the kernel would refuse makes
 * the helper return -EINVAL and print nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helpers/impl.h"
#include "helpers/safe_read.h"
#include "vm/prog.h"
#include "vm/run_ctx.h"

#define PRINTK_SIZE 1024     /* BPF_TRACE_PRINTK_SIZE */
#define MAX_VARARGS 12	     /* MAX_BPRINTF_VARARGS */
#define TRACE_PRINTK_ARGS 3  /* bpf_trace_printk takes three */
#define STR_MAX 1024	     /* longest %s string read */

struct out {
	char *buf;
	size_t size; /* capacity including the NUL; 0: only count */
	size_t len;  /* bytes the full output has (may exceed size) */
};

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->size && o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_fmt(struct out *o, const char *spec, ...) __attribute__((format(printf, 2, 3)));

static void out_fmt(struct out *o, const char *spec, ...)
{
	char tmp[STR_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, spec);
	n = vsnprintf(tmp, sizeof(tmp), spec, ap);
	va_end(ap);
	if (n > 0)
		out_put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* %pi4 %pI4 %pi6 %pI6: an address read from the pointer argument. */
static int fmt_ip(struct out *o, char kind, char ver, uint64_t arg)
{
	uint8_t a[16];
	size_t n = ver == '4' ? 4 : 16;

	if (safe_read(a, (const void *)(uintptr_t)arg, n) != n) {
		out_put(o, "(null)", 6);
		return 0;
	}
	if (ver == '4') {
		if (kind == 'i')
			out_fmt(o, "%03u.%03u.%03u.%03u", a[0], a[1], a[2], a[3]);
		else
			out_fmt(o, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return 0;
	}
	for (int i = 0; i < 16; i += 2)
		out_fmt(o, kind == 'I' && i ? ":%02x%02x" : "%02x%02x", a[i], a[i + 1]);
	return 0;
}

/* Formats `fmt` with `args` (nargs u64 values) into o. 0 or -EINVAL. */
static int bprintf(struct out *o, const char *fmt, size_t fmt_size, const uint64_t *args,
		   size_t nargs)
{
	size_t used = 0;
	const char *end;

	if (!fmt || !fmt_size || !(end = memchr(fmt, '\0', fmt_size)))
		return -EINVAL;
	for (const char *p = fmt; p < end; p++) {
		char spec[16] = "%";
		size_t sl = 1;
		int lng = 0;
		uint64_t arg;

		if (*p != '%') {
			const char *q = memchr(p, '%', (size_t)(end - p));
			size_t n = q ? (size_t)(q - p) : (size_t)(end - p);

			out_put(o, p, n);
			p += n - 1;
			continue;
		}
		if (p[1] == '%') {
			out_put(o, "%", 1);
			p++;
			continue;
		}
		p++;
		while (*p == '0' || *p == '+' || *p == '-' || *p == ' ' || *p == '#') {
			if (sl < 6)
				spec[sl++] = *p;
			p++;
		}
		for (int w = 0; *p >= '0' && *p <= '9'; p++, w++) {
			if (w >= 3)
				return -EINVAL; /* widths above 999: refuse */
			spec[sl++] = *p;
		}
		if (used >= nargs)
			return -EINVAL;
		arg = args[used++];
		if (*p == 'p') {
			if ((p[1] == 'i' || p[1] == 'I') && (p[2] == '4' || p[2] == '6')) {
				fmt_ip(o, p[1], p[2], arg);
				p += 2;
				continue;
			}
			/* px, pK, pS, pB, ps, p: the raw address (no hashing and no
			 * symbol table in user space). */
			if (p[1] == 'x' || p[1] == 'K' || p[1] == 'S' || p[1] == 'B' || p[1] == 's')
				p++;
			spec[sl] = '\0';
			strcat(spec, "llx");
			out_fmt(o, spec, (unsigned long long)arg);
			continue;
		}
		if (*p == 's') {
			char str[STR_MAX];
			long n = safe_read_str(str, (const char *)(uintptr_t)arg, sizeof(str));

			spec[sl++] = 's';
			spec[sl] = '\0';
			out_fmt(o, spec, n < 0 ? "(efault)" : str);
			continue;
		}
		if (*p == 'c') {
			spec[sl++] = 'c';
			spec[sl] = '\0';
			out_fmt(o, spec, (int)(char)arg);
			continue;
		}
		while (*p == 'l' && lng < 2) {
			lng++;
			p++;
		}
		if (!strchr("diouxX", *p) || !*p)
			return -EINVAL;
		spec[sl] = '\0';
		strcat(spec, "ll");
		spec[sl + 2] = *p;
		spec[sl + 3] = '\0';
		/* %d and %u without l take the low 32 bits, as a C int would. */
		if (*p == 'd' || *p == 'i') {
			long long v = lng ? (long long)arg : (long long)(int32_t)arg;

			out_fmt(o, spec, v);
		} else {
			unsigned long long v = lng ? arg : (uint32_t)arg;

			out_fmt(o, spec, v);
		}
	}
	return 0;
}

static void emit(struct bpfrt_run_ctx *rc, const char *msg, size_t len)
{
	const struct bpfrt_vm *vm = rc && rc->prog ? rc->prog->vm : NULL;

	if (vm && vm->trace_fn)
		vm->trace_fn(vm->trace_ctx, msg, len);
}

static uint64_t printk(const char *fmt, size_t fmt_size, const uint64_t *args, size_t nargs,
		       struct bpfrt_run_ctx *rc)
{
	char buf[PRINTK_SIZE];
	struct out o = { .buf = buf, .size = sizeof(buf) };
	size_t n;

	if (bprintf(&o, fmt, fmt_size, args, nargs) < 0)
		return (uint64_t)-EINVAL;
	n = o.len < sizeof(buf) - 1 ? o.len : sizeof(buf) - 1;
	buf[n] = '\0';
	emit(rc, buf, n);
	return n;
}

/* long bpf_trace_printk(const char *fmt, u32 fmt_size, ...) */
HELPER_FN(trace_printk)
{
	const uint64_t args[TRACE_PRINTK_ARGS] = { r3, r4, r5 };

	return printk((const char *)(uintptr_t)r1, (size_t)r2, args, TRACE_PRINTK_ARGS, rc);
}

/* Checks a data array of u64 arguments (vprintk, snprintf). */
static int data_args(uint64_t data, uint64_t len, const uint64_t **args, size_t *nargs)
{
	if (len % 8 || len / 8 > MAX_VARARGS || (len && !data))
		return -EINVAL;
	*args = (const uint64_t *)(uintptr_t)data;
	*nargs = (size_t)(len / 8);
	return 0;
}

/* long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len) */
HELPER_FN(trace_vprintk)
{
	const uint64_t *args;
	size_t nargs;

	(void)r5;
	if (data_args(r3, r4, &args, &nargs) < 0)
		return (uint64_t)-EINVAL;
	return printk((const char *)(uintptr_t)r1, (size_t)r2, args, nargs, rc);
}

/* long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len):
 * the length the whole output needs including its NUL. */
HELPER_FN(snprintf)
{
	struct out o = { .buf = (char *)(uintptr_t)r1, .size = (size_t)r2 };
	const uint64_t *args;
	size_t nargs;

	(void)rc;
	if (data_args(r4, r5, &args, &nargs) < 0)
		return (uint64_t)-EINVAL;
	/* The verifier proved fmt a NUL-terminated constant string. */
	if (bprintf(&o, (const char *)(uintptr_t)r3, strnlen((const char *)(uintptr_t)r3, STR_MAX) + 1,
		    args, nargs) < 0)
		return (uint64_t)-EINVAL;
	if (o.size)
		o.buf[o.len < o.size - 1 ? o.len : o.size - 1] = '\0';
	return o.len + 1;
}
