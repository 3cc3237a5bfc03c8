/* A small seeded fuzz of the assembler (run under ASan in the sanitizer
 * build): random bytes, token soup and mutated listings never crash; every
 * error names a place; whatever assembles also round-trips through the
 * disassembler. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "isa/opcodes.h"

static uint64_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng >> 33) % n;
}

static const char *const pieces[] = {
	"%r0", "%r1", "%r10", "%r11", "%r16", "r1", "w2", "r10", " ", ", ", "[", "]", "+", "-",
	"0x", "7", "-1", "0xffffffff", "4294967296", "99999999999999999999", ":", "\n", "#", ";",
	"L1", "L1:", "exit", "lock", "fetch", "call", "local", "kfunc", "pc", "goto", "if", "==",
	"s>=", "+=", "=", "*(u32 *)", "(", ")", "*", "skb", "ll", "map[fd:", "map[idx:", "][0]+",
	"btf_id[", "subprog[", "atomic64_fetch_add(", "(s8)", "be16", ".invalid", "ff", "\t", "\r",
};

static void check(const char *text)
{
	char log[128];
	memset(log, 'x', sizeof(log));
	struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_insn *insns = NULL;
	size_t cnt = 0;
	int err = bpfrt_asm(text, &opts, &insns, &cnt);
	if (err) {
		assert_int_equal(err, -EINVAL);
		assert_non_null(memchr(log, 0, sizeof(log)));
		if (strncmp(log, "<input>:", 8))
			fail_msg("no place in \"%s\" for '%s'", log, text);
		return;
	}
	for (int syntax = 0; syntax < 2; syntax++) {
		struct bpfrt_disasm_opts dopts = { .sz = sizeof(dopts), .syntax = syntax };
		char *listing = NULL;
		assert_true(bpfrt_disasm(insns, cnt, &dopts, &listing) >= 0);
		struct bpfrt_insn *again = NULL;
		size_t n = 0;
		if (bpfrt_asm(listing, &opts, &again, &n))
			fail_msg("listing of '%s' does not assemble: %s\n%s", text, log, listing);
		assert_int_equal(n, cnt);
		if (cnt)
			assert_memory_equal(again, insns, cnt * sizeof(*insns));
		free(again);
		free(listing);
	}
	free(insns);
}

static void random_bytes(void **state)
{
	(void)state;
	char text[200];
	for (int i = 0; i < 20000; i++) {
		size_t n = rnd(sizeof(text));
		for (size_t k = 0; k < n; k++)
			text[k] = (char)(1 + rnd(255));
		text[n] = 0;
		check(text);
	}
}

static void token_soup(void **state)
{
	(void)state;
	char text[1024];
	for (int i = 0; i < 30000; i++) {
		size_t len = 0;
		unsigned n = 1 + rnd(12);
		for (unsigned k = 0; k < n; k++) {
			const char *p = rnd(3) ? pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))]
					       : isa_forms[1 + rnd(ISA_OP_COUNT - 1)].mnemonic;
			size_t pl = strlen(p);
			if (len + pl + 2 >= sizeof(text))
				break;
			memcpy(text + len, p, pl);
			len += pl;
			if (rnd(2))
				text[len++] = ' ';
		}
		text[len] = 0;
		check(text);
	}
}

static void mutated_listings(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		struct bpfrt_insn prog[16];
		for (size_t k = 0; k < 16; k++) {
			uint32_t w[2] = { (uint32_t)rnd(1u << 31), (uint32_t)rnd(1u << 31) };
			w[0] = (w[0] & ~0xffu) | isa_forms[1 + rnd(ISA_OP_COUNT - 1)].code;
			w[0] &= rnd(2) ? 0xffffffffu : 0x0000ffffu;
			memcpy(&prog[k], w, 8);
		}
		struct bpfrt_disasm_opts dopts = { .sz = sizeof(dopts), .syntax = rnd(2) };
		char *listing = NULL;
		assert_true(bpfrt_disasm(prog, 16, &dopts, &listing) >= 0);
		size_t len = strlen(listing);
		for (int m = 0; m < 4 && len; m++) {
			size_t at = rnd((uint32_t)len);
			switch (rnd(3)) {
			case 0:
				listing[at] = (char)(1 + rnd(127));
				break;
			case 1:
				memmove(listing + at, listing + at + 1, len - at);
				len--;
				break;
			default:
				listing[at] = "[]()%r+-0x,:*=\n"[rnd(15)];
				break;
			}
		}
		check(listing);
		free(listing);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_bytes),
		cmocka_unit_test(token_soup),
		cmocka_unit_test(mutated_listings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
