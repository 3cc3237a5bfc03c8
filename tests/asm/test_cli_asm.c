/* `bpfrt asm` and `bpfrt disasm` as a user runs them: help, a round trip
 * through files in both syntaxes, and one clear line with a non-zero exit
 * on bad input. BPFRT (the command) and EXAMPLE come from the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/cli_run.h"

static const char *bpfrt;
static char dir[] = "/tmp/bpfrt-cli-asm-XXXXXX";


static void help_and_round_trip(void **state)
{
	(void)state;
	static char out[1 << 16], again[1 << 16];
	assert_int_equal(cli_run(out, sizeof(out), "%s asm --help", bpfrt), 0);
	assert_non_null(strstr(out, "usage: bpfrt asm"));
	assert_int_equal(cli_run(out, sizeof(out), "%s disasm --help", bpfrt), 0);
	assert_non_null(strstr(out, "--syntax"));

	const char *example = getenv("EXAMPLE");
	assert_int_equal(cli_run(out, sizeof(out), "%s asm %s -o %s/a.bin", bpfrt, example, dir), 0);
	for (int k = 0; k < 2; k++) {
		const char *syn = k ? "kernel" : "conformance";
		assert_int_equal(cli_run(out, sizeof(out), "%s disasm --syntax %s %s/a.bin > %s/a.txt && "
					  "%s asm %s/a.txt -o %s/b.bin && cmp %s/a.bin %s/b.bin && cat %s/a.txt",
				     bpfrt, syn, dir, dir, bpfrt, dir, dir, dir, dir, dir), 0);
		assert_non_null(strstr(out, k ? "if r2 == 0x0 goto L" : "jeq %r2, 0, L"));
	}
	/* --hex out and in. */
	assert_int_equal(cli_run(out, sizeof(out), "printf 'mov %%%%r0, 1\\nexit\\n' | %s asm - --hex", bpfrt), 0);
	assert_string_equal(out, "b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00\n");
	assert_int_equal(cli_run(again, sizeof(again), "printf '%%s' '%s' | %s disasm --hex -", out, bpfrt), 0);
	assert_string_equal(again, "    mov %r0, 1\n    exit\n");
}

static void bad_input_is_one_line(void **state)
{
	(void)state;
	static char out[4096];
	assert_int_equal(cli_run(out, sizeof(out), "printf 'mov %%%%r0, 1\\n  ldxw %%%%r0, 4\\n' > %s/bad.asm; "
				  "%s asm %s/bad.asm -o %s/x.bin 2>&1", dir, bpfrt, dir, dir), 1);
	char want[256];
	snprintf(want, sizeof(want), "bpfrt: %s/bad.asm:2:13: expected a memory operand", dir);
	assert_memory_equal(out, want, strlen(want));
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */

	assert_int_equal(cli_run(out, sizeof(out), "printf '123456789' > %s/odd.bin; %s disasm %s/odd.bin 2>&1",
			     dir, bpfrt, dir), 1);
	assert_non_null(strstr(out, "9 bytes is not a whole number of 8-byte instructions"));
	assert_int_equal(cli_run(out, sizeof(out), "%s asm %s/missing.asm 2>&1", bpfrt, dir), 1);
	assert_non_null(strstr(out, "missing.asm: No such file or directory"));
	assert_int_equal(cli_run(out, sizeof(out), "%s disasm --syntax intel %s/odd.bin 2>&1", bpfrt, dir), 1);
	assert_non_null(strstr(out, "unknown syntax 'intel'"));
	/* Invalid slots are listed, and the status says so. */
	assert_int_equal(cli_run(out, sizeof(out), "printf '\\217\\0\\0\\0\\0\\0\\0\\0' > %s/inv.bin; "
				  "%s disasm %s/inv.bin 2>&1", dir, bpfrt, dir), 1);
	assert_non_null(strstr(out, ".invalid 8f 00 00 00 00 00 00 00"));
	assert_non_null(strstr(out, "1 slot is not a valid instruction"));
}

int main(void)
{
	bpfrt = getenv("BPFRT");
	if (!bpfrt || access(bpfrt, X_OK) || !mkdtemp(dir))
		return 77;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_round_trip),
		cmocka_unit_test(bad_input_is_one_line),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		rc = rc ? rc : 1;
	return rc;
}
