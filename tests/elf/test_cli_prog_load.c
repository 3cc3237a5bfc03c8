/* `bpfrt prog load` as a user runs it: help, the text and JSON listings of
 * an example object, and one clear line with a non-zero exit on bad input.
 * BPFRT (the command) comes from the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "support/cli_run.h"

static const char *bpfrt;


static void help(void **state)
{
	(void)state;
	static char out[8192];
	assert_int_equal(cli_run(out, sizeof(out), "%s prog --help", bpfrt), 0);
	assert_non_null(strstr(out, "load "));
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load --help", bpfrt), 0);
	assert_non_null(strstr(out, "usage: bpfrt prog load OBJ [--json]"));
	assert_int_equal(cli_run(out, sizeof(out), "%s prog frob 2>&1", bpfrt), 2);
	assert_string_equal(out, "bpfrt: prog: unknown subcommand 'frob' (see 'bpfrt prog --help')\n");
}

static void listing(void **state)
{
	(void)state;
	static char out[8192];
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load %s/subprog.v4.o", bpfrt, BPF_EXAMPLES_DIR), 0);
	assert_string_equal(out,
			    "object subprog.v4.o  license \"GPL\"\n"
			    "prog subprog_tc  section tc  attach tc  insns 15 (5 own, 10 in subprograms)\n"
			    "prog subprog_tp  section tp/syscalls/sys_enter_openat  attach tracepoint  category syscalls"
			    "  name sys_enter_openat  insns 7 (4 own, 3 in subprograms)\n");
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load %s/uprobe.v4.o", bpfrt, BPF_EXAMPLES_DIR), 0);
	assert_non_null(strstr(out, "prog on_request  section uprobe//usr/bin/bpfrt-target:handle_request+4  "
				    "attach uprobe  binary /usr/bin/bpfrt-target  func handle_request  offset 0x4"));
	assert_non_null(strstr(out, "map totals  type array  key 4  value 8  max_entries 2  flags 0\n"));
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load --json %s/hash_counter.v3.o", bpfrt,
			     BPF_EXAMPLES_DIR), 0);
	assert_string_equal(out,
			    "{\"object\": \"hash_counter.v3.o\", \"license\": \"GPL\", \"version\": 0, \"programs\": "
			    "[{\"name\": \"count_calls\", \"section\": \"uprobe\", \"attach\": \"uprobe\", \"target\": {}, "
			    "\"sleepable\": false, \"prog_type\": 2, \"insns\": 23, \"main_insns\": 23}], \"maps\": "
			    "[{\"name\": \"counts\", \"type\": 1, \"type_name\": \"hash\", \"key_size\": 8, "
			    "\"value_size\": 8, \"max_entries\": 1024, \"flags\": 0, \"frozen\": false}]}\n");
}

static void errors(void **state)
{
	(void)state;
	static char out[8192];
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load /nonexistent.o 2>&1", bpfrt), 1);
	assert_string_equal(out, "bpfrt: /nonexistent.o: cannot open: No such file or directory\n");
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load /etc/passwd 2>&1", bpfrt), 1);
	assert_string_equal(out, "bpfrt: /etc/passwd: not an ELF object\n");
	assert_int_equal(cli_run(out, sizeof(out), "%s prog load --frob x 2>&1", bpfrt), 1);
	assert_string_equal(out, "bpfrt: prog load: unknown option '--frob' (see 'bpfrt prog load --help')\n");
}

int main(void)
{
	bpfrt = getenv("BPFRT");
	if (!bpfrt)
		return 77;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help),
		cmocka_unit_test(listing),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
