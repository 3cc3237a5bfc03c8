/* The kernel syntax against llvm (LLVM_MC in the environment): llvm-mc
 * encodes the text bpfrt writes for every form variant to the same bytes,
 * and bpfrt assembles what llvm-mc disassembles from those bytes back to
 * them. Left out: what llvm cannot say (call pc+N, call kfunc N, the ld_imm64
 * pseudo sources, ldind's imm, gotol beyond 16 bits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/asm.h"
#include "form_variants.h"

enum { MAX = 4096 };
static struct bpfrt_insn prog[2 * MAX];
static size_t starts[MAX], nins, nslots;
static char dir[] = "/tmp/bpfrt-llvm-mc-XXXXXX";

static bool llvm_can_say(const struct isa_form *f, const struct bpfrt_insn *insn)
{
	/* llvm-mc 22 takes gotol's offset as a label or a 16-bit number only. */
	if (f->syntax == ISA_SYN_JA32 && (insn->imm < INT16_MIN || insn->imm > INT16_MAX))
		return false;
	return f->syntax != ISA_SYN_CALL_LOCAL && f->syntax != ISA_SYN_LDIND &&
	       !(f->syntax == ISA_SYN_CALL && insn->src_reg) &&
	       !(f->syntax == ISA_SYN_LDDW && insn->src_reg);
}

static void build(void)
{
	for (int op = 1; op < ISA_OP_COUNT; op++) {
		for (unsigned v = 0; v < 16; v++) {
			struct bpfrt_insn insn[2];
			size_t n = form_variant(&isa_forms[op], v, insn);
			if (!llvm_can_say(&isa_forms[op], insn))
				continue;
			starts[nins++] = nslots;
			memcpy(&prog[nslots], insn, n * sizeof(*insn));
			nslots += n;
		}
	}
}

static FILE *llvm_mc(const char *args, const char *file)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' -triple bpfel -mcpu=v4 %s '%s/%s' 2>&1", getenv("LLVM_MC"),
		 args, dir, file);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	return p;
}

static void llvm_encodes_our_text(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof(path), "%s/ours.s", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	char text[MAX][128];
	for (size_t i = 0; i < nins; i++) {
		assert_true(bpfrt_disasm_insn(&prog[starts[i]], nslots - starts[i], BPFRT_SYNTAX_KERNEL,
					      text[i], sizeof(text[i])) > 0);
		fprintf(f, "%s\n", text[i]);
	}
	fclose(f);
	FILE *p = llvm_mc("-show-encoding", "ours.s");
	char line[512];
	size_t i = 0;
	while (fgets(line, sizeof(line), p)) {
		char *e = strstr(line, "encoding: [");
		if (strstr(line, "error"))
			fail_msg("llvm-mc: %s", line);
		if (!e)
			continue;
		assert_true(i < nins);
		uint8_t got[16];
		size_t n = 0;
		for (char *q = e + 11; *q && *q != ']' && n < sizeof(got); q++) {
			if (q[0] == '0' && q[1] == 'x')
				got[n++] = (uint8_t)strtoul(q, &q, 16);
		}
		size_t slots = i + 1 < nins ? starts[i + 1] - starts[i] : nslots - starts[i];
		if (n != slots * 8 || memcmp(got, &prog[starts[i]], n))
			fail_msg("llvm-mc encodes '%s' differently", text[i]);
		i++;
	}
	pclose(p);
	assert_int_equal(i, nins);
}

static void we_read_llvms_text(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof(path), "%s/bytes.hex", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	const uint8_t *b = (const uint8_t *)prog;
	for (size_t i = 0; i < nslots * 8; i++)
		fprintf(f, "0x%02x%c", b[i], i % 8 == 7 ? '\n' : ' ');
	fclose(f);
	FILE *p = llvm_mc("--disassemble", "bytes.hex");
	char line[512];
	size_t i = 0;
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "warning") || strstr(line, "error"))
			fail_msg("llvm-mc: %s", line);
		if (line[0] != '\t')
			continue; /* ".text" */
		assert_true(i < nins);
		struct bpfrt_insn *insns = NULL;
		size_t cnt = 0;
		char log[256];
		struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
		if (bpfrt_asm(line, &opts, &insns, &cnt))
			fail_msg("llvm's '%s': %s", line, log);
		size_t slots = i + 1 < nins ? starts[i + 1] - starts[i] : nslots - starts[i];
		if (cnt != slots || memcmp(insns, &prog[starts[i]], slots * 8))
			fail_msg("llvm's '%s' assembles differently", line);
		free(insns);
		i++;
	}
	pclose(p);
	assert_int_equal(i, nins);
}

int main(void)
{
	const char *mc = getenv("LLVM_MC");
	if (!mc || access(mc, X_OK) || !mkdtemp(dir))
		return 77;
	build();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(llvm_encodes_our_text),
		cmocka_unit_test(we_read_llvms_text),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		rc = rc ? rc : 1;
	return rc;
}
