/* Seeded mutation fuzzing of the loader: every example object, flipped,
 * overwritten and truncated many times. Each attempt must either open (and
 * then every program, map and record is walked, so ASan sees any bad
 * pointer) or fail with errno set and a one-line message in the log; never
 * crash. Runs under the sanitizer build too. BPFRT_ELF_FUZZ_ITERS overrides
 * the per-object iteration count; BPFRT_ELF_FUZZ_SEED the seed. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bpfrt/object.h"
#include "elf_bytes.h"
#include "support/xorshift.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return xorshift64s(&rng_state);
}

static size_t walk(const struct bpfrt_object *obj)
{
	size_t sum = strlen(bpfrt_object__license(obj));
	for (size_t i = 0; i < bpfrt_object__prog_cnt(obj); i++) {
		const struct bpfrt_program *p = bpfrt_object__prog(obj, i);
		const struct bpfrt_insn *in = bpfrt_program__insns(p);
		for (size_t k = 0; k < bpfrt_program__insn_cnt(p); k++)
			sum += in[k].code;
		size_t n;
		const struct bpfrt_line_info *li = bpfrt_program__line_info(p, &n);
		for (size_t k = 0; k < n; k++)
			sum += strlen(li[k].file) + strlen(li[k].line) + (li[k].insn_idx < bpfrt_program__insn_cnt(p));
		const struct bpfrt_func_info *fi = bpfrt_program__func_info(p, &n);
		for (size_t k = 0; k < n; k++)
			sum += strlen(fi[k].name);
		const struct bpfrt_kfunc_call *kf = bpfrt_program__kfunc_calls(p, &n);
		for (size_t k = 0; k < n; k++)
			sum += strlen(kf[k].name) + in[kf[k].insn_idx].code;
		const struct bpfrt_core_relo *cr = bpfrt_program__core_relos(p, &n);
		for (size_t k = 0; k < n; k++)
			sum += strlen(cr[k].access_str);
		const struct bpfrt_attach_target *t = bpfrt_program__attach_target(p);
		sum += t->raw ? strlen(t->raw) : 0;
		sum += strlen(bpfrt_program__name(p)) + strlen(bpfrt_program__section(p));
	}
	for (size_t i = 0; i < bpfrt_object__map_cnt(obj); i++) {
		const struct bpfrt_map_spec *m = bpfrt_object__map(obj, i);
		sum += strlen(m->name) + m->key_size;
		for (size_t k = 0; k < m->init_size; k++)
			sum += ((const uint8_t *)m->init_data)[k];
		if (m->inner_map_idx >= 0)
			assert_non_null(bpfrt_object__map(obj, (size_t)m->inner_map_idx));
	}
	return sum;
}

static void mutate(uint8_t *d, size_t *size)
{
	static const uint32_t interesting[] = { 0, 1, 7, 8, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff,
						0x80000000, 0xffffffff, 0x1000 };
	int rounds = 1 + (int)(rnd() % 4);
	for (int r = 0; r < rounds && *size; r++) {
		size_t at = rnd() % *size;
		switch (rnd() % 5) {
		case 0: /* flip a bit */
			d[at] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1: /* random byte */
			d[at] = (uint8_t)rnd();
			break;
		case 2: /* an interesting 32-bit value */
			if (*size >= 4) {
				at = rnd() % (*size - 3);
				uint32_t v = interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
				memcpy(d + at, &v, 4);
			}
			break;
		case 3: /* truncate */
			*size = rnd() % *size;
			break;
		case 4: /* hit the ELF header or the section header table */
			if (*size >= 64) {
				Elf64_Ehdr *eh = (Elf64_Ehdr *)d;
				if (rnd() % 2 || eh->e_shoff >= *size)
					d[rnd() % 64] ^= (uint8_t)rnd();
				else
					d[eh->e_shoff + rnd() % (*size - eh->e_shoff)] ^= (uint8_t)(1u << (rnd() % 8));
			}
			break;
		}
	}
}

static void test_mutations(void **state)
{
	(void)state;
	const char *env = getenv("BPFRT_ELF_FUZZ_ITERS");
	long iters = env ? atol(env) : 1500;
	env = getenv("BPFRT_ELF_FUZZ_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed0bf5ULL;
	DIR *dir = opendir(BPF_EXAMPLES_DIR);
	assert_non_null(dir);
	struct dirent *de;
	size_t objects = 0, opened = 0, failed = 0;
	while ((de = readdir(dir))) {
		size_t n = strlen(de->d_name);
		if (n < 3 || strcmp(de->d_name + n - 2, ".o"))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", BPF_EXAMPLES_DIR, de->d_name);
		struct obj_bytes orig = { 0 };
		assert_int_equal(obj_read(path, &orig), 0);
		objects++;
		rng_state = seed ^ (n * 0x9E3779B97F4A7C15ULL) ^ orig.size;
		for (long it = 0; it < iters; it++) {
			size_t size = orig.size;
			uint8_t *d = malloc(size);
			memcpy(d, orig.data, size);
			mutate(d, &size);
			/* exact-size buffer so ASan catches any read past the end */
			uint8_t *exact = malloc(size ? size : 1);
			memcpy(exact, d, size);
			free(d);
			char log[256];
			memset(log, 0x55, sizeof(log));
			struct bpfrt_object_opts opts = { .sz = sizeof(opts), .log_buf = log,
							  .log_size = sizeof(log) };
			errno = 0;
			struct bpfrt_object *obj = bpfrt_object__open_mem(exact, size, &opts);
			if (obj) {
				opened++;
				assert_string_equal(log, "");
				walk(obj);
				bpfrt_object__close(obj);
			} else {
				failed++;
				if (errno == 0)
					fail_msg("%s iteration %ld: failed without errno", de->d_name, it);
				if (errno != ENOMEM && (!log[0] || !memchr(log, 0, sizeof(log)) ||
							strchr(log, '\n')))
					fail_msg("%s iteration %ld: no one-line message (errno %d): %.200s", de->d_name,
						 it, errno, log);
			}
			free(exact);
		}
		free(orig.data);
	}
	closedir(dir);
	assert_true(objects >= 18);
	/* both outcomes must actually occur, or the mutations test nothing */
	assert_true(opened > 0);
	assert_true(failed > 0);
	print_message("%zu objects, %zu opened, %zu rejected\n", objects, opened, failed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
