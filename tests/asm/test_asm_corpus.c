/* Every `-- asm` section of the conformance corpus assembles to the same
 * bytes with bpfrt_asm as with the official bpf_asm (BPF_ASM), whose path
 * and the corpus folder (CORPUS) come from the environment. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpfrt/asm.h"

/* The asm section of a .data file, as bpf_test_parser.cc cuts it: `conf`
 * with '#' comments removed (what bpf_asm gets), `ours` with them kept. */
static void asm_section(const char *path, char **conf, char **ours)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t cap = 1 << 16;
	*conf = calloc(1, cap);
	*ours = calloc(1, cap);
	assert_non_null(*conf);
	assert_non_null(*ours);
	char line[1024];
	bool in_asm = false;
	while (fgets(line, sizeof(line), f)) {
		char cut[1024];
		snprintf(cut, sizeof(cut), "%s", line);
		char *hash = strchr(cut, '#');
		if (hash)
			*hash = 0;
		if (strstr(cut, "--")) {
			in_asm = strstr(cut, "asm") != NULL;
			continue;
		}
		if (!in_asm)
			continue;
		assert_true(strlen(*conf) + strlen(cut) + 2 < cap);
		strcat(*conf, cut);
		if (!strchr(cut, '\n'))
			strcat(*conf, "\n");
		strcat(*ours, line);
	}
	fclose(f);
}

/* Runs bpf_asm on `text`, returns its raw output bytes. */
static uint8_t *official(const char *bpf_asm, const char *text, size_t *len)
{
	char tmp[] = "/tmp/bpfrt-asm-corpus-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "'%s' --file '%s' --raw", bpf_asm, tmp);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16;
	uint8_t *buf = malloc(cap);
	assert_non_null(buf);
	*len = fread(buf, 1, cap, p);
	int status = pclose(p);
	unlink(tmp);
	assert_int_equal(status, 0);
	return buf;
}

static void corpus_assembles_like_bpf_asm(void **state)
{
	(void)state;
	const char *bpf_asm = getenv("BPF_ASM"), *corpus = getenv("CORPUS");
	if (!bpf_asm || !corpus || access(bpf_asm, X_OK)) {
		print_message("BPF_ASM/CORPUS not set or bpf_asm missing; skipped\n");
		exit(77);
	}
	DIR *d = opendir(corpus);
	assert_non_null(d);
	struct dirent *e;
	int files = 0;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".data"))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", corpus, e->d_name);
		char *conf, *ours;
		asm_section(path, &conf, &ours);
		size_t want_len;
		uint8_t *want = official(bpf_asm, conf, &want_len);
		char log[512];
		struct bpfrt_asm_opts opts = { .sz = sizeof(opts), .filename = e->d_name,
					       .log_buf = log, .log_size = sizeof(log) };
		for (int pass = 0; pass < 2; pass++) {
			struct bpfrt_insn *insns = NULL;
			size_t cnt = 0;
			int err = bpfrt_asm(pass ? conf : ours, &opts, &insns, &cnt);
			if (err)
				fail_msg("%s", log);
			if (cnt * 8 != want_len || memcmp(insns, want, want_len))
				fail_msg("%s: %zu slots differ from bpf_asm's %zu", e->d_name, cnt,
					 want_len / 8);
			free(insns);
		}
		free(want);
		free(conf);
		free(ours);
		files++;
	}
	closedir(d);
	print_message("%d files assemble identically\n", files);
	assert_int_equal(files, 313);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_assembles_like_bpf_asm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
