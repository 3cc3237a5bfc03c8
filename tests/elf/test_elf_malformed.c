/* Malformed objects: each gets one exact error naming the section and
 * offset, errno EINVAL (or ENOTSUP), and no crash. Built by patching a
 * bundled example object. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bpfrt/object.h"
#include "elf_bytes.h"

static struct obj_bytes load(const char *name)
{
	char path[512];
	struct obj_bytes b;
	snprintf(path, sizeof(path), "%s/%s.v4.o", BPF_EXAMPLES_DIR, name);
	if (obj_read(path, &b))
		fail_msg("cannot read %s", path);
	return b;
}

/* Opens the bytes and checks the failure and its message. */
static void expect_error(struct obj_bytes *b, int want_errno, const char *want)
{
	char log[512] = "";
	struct bpfrt_object_opts opts = { .sz = sizeof(opts), .log_buf = log, .log_size = sizeof(log) };
	struct bpfrt_object *obj = bpfrt_object__open_mem(b->data, b->size, &opts);
	int err = errno;
	if (obj)
		fail_msg("opened, expected: %s", want);
	assert_int_equal(err, want_errno);
	assert_string_equal(log, want);
	/* no log buffer: same failure, nothing written anywhere */
	assert_null(bpfrt_object__open_mem(b->data, b->size, NULL));
	free(b->data);
}

static void test_not_elf(void **state)
{
	(void)state;
	struct obj_bytes b = { .data = malloc(16), .size = 16 };
	memset(b.data, 'x', 16);
	expect_error(&b, EINVAL, "not an ELF object");
	b = load("xdp_count");
	obj_ehdr(&b)->e_machine = 62; /* x86-64 */
	expect_error(&b, EINVAL, "not a BPF object (e_machine 62)");
}

static void test_truncated(void **state)
{
	(void)state;
	struct obj_bytes b = load("xdp_count");
	/* keep the section headers, cut the data under them */
	Elf64_Ehdr *eh = obj_ehdr(&b);
	size_t sh_bytes = (size_t)eh->e_shnum * eh->e_shentsize;
	uint8_t *moved = malloc(64 + sh_bytes);
	memcpy(moved, b.data, 64);
	memcpy(moved + 64, b.data + eh->e_shoff, sh_bytes);
	((Elf64_Ehdr *)moved)->e_shoff = 64;
	free(b.data);
	b.data = moved;
	b.size = 64 + sh_bytes;
	expect_error(&b, EINVAL, "section #1: bad section name offset 239");
	b = load("xdp_count");
	b.size = 1000;
	char want[128];
	snprintf(want, sizeof(want), "section header table (at %#llx) lies outside the file (1000 bytes)",
		 (unsigned long long)obj_ehdr(&b)->e_shoff);
	expect_error(&b, EINVAL, want);
}

static void test_bad_rel_target(void **state)
{
	(void)state;
	struct obj_bytes b = load("xdp_count");
	obj_shdr(&b, obj_find(&b, ".relxdp"))->sh_info = 99;
	expect_error(&b, EINVAL, "section '.relxdp': applies to section index 99, out of range");
}

static void test_relocation_out_of_range(void **state)
{
	(void)state;
	struct obj_bytes b = load("xdp_count");
	Elf64_Rel *rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".relxdp"));
	rel[0].r_offset = 0x1000;
	expect_error(&b, EINVAL,
		     "section '.relxdp' offset 0: relocation offset 0x1000 is outside section 'xdp' (0x130 bytes)");

	b = load("xdp_count");
	rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".relxdp"));
	rel[0].r_info = ELF64_R_INFO(9999, ELF64_R_TYPE(rel[0].r_info));
	expect_error(&b, EINVAL, "section '.relxdp' offset 0: symbol index 9999 out of range (14 symbols)");

	b = load("xdp_count");
	rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".relxdp"));
	rel[0].r_offset = 0;
	expect_error(&b, EINVAL,
		     "section '.relxdp' offset 0: relocation of 'proto_count' is not on a whole ld_imm64 (code 0xb4 at 0)");
}

static void test_unknown_map_type(void **state)
{
	(void)state;
	struct obj_bytes b = load("legacy_maps");
	uint32_t *def = (uint32_t *)obj_sec_data(&b, obj_find(&b, "maps"));
	def[0] = 99;
	expect_error(&b, EINVAL, "section 'maps' offset 0: map 'legacy_array': unknown map type 99");
}

static void test_straddle(void **state)
{
	(void)state;
	struct obj_bytes b = load("xdp_count");
	obj_shdr(&b, obj_find(&b, "xdp"))->sh_size -= 4;
	expect_error(&b, EINVAL,
		     "section 'xdp' offset 0x128: size 0x12c is not a multiple of 8: an instruction straddles the section end");
	b = load("xdp_count");
	obj_sym(&b, "xdp_count")->st_size += 8;
	expect_error(&b, EINVAL, "section 'xdp' offset 0: function 'xdp_count' (312 bytes) does not fit the section");
}

static void test_bad_symbol_section(void **state)
{
	(void)state;
	struct obj_bytes b = load("xdp_count");
	obj_sym(&b, "xdp_count")->st_shndx = 200;
	expect_error(&b, EINVAL, "section '.symtab': function 'xdp_count' is in section 200, which holds no code");
}

static void test_bad_btf(void **state)
{
	(void)state;
	struct obj_bytes b = load("hash_counter");
	obj_sec_data(&b, obj_find(&b, ".BTF"))[0] ^= 0xff;
	expect_error(&b, EINVAL, "section '.BTF': invalid BTF (libbpf: Invalid argument)");
	b = load("hash_counter");
	obj_sec_data(&b, obj_find(&b, ".BTF.ext"))[0] ^= 0xff;
	expect_error(&b, EINVAL, "section '.BTF.ext' offset 0: bad magic 0xeb60 or version 1");
	b = load("hash_counter");
	uint32_t *ext = (uint32_t *)obj_sec_data(&b, obj_find(&b, ".BTF.ext"));
	ext[3] = 0x100000; /* func_info_len */
	expect_error(&b, EINVAL, "section '.BTF.ext' offset 0x20: func_info (1048576 bytes) does not fit the section");
}

static void test_extern_variable(void **state)
{
	(void)state;
	/* a map relocation pointed at an undefined (extern) symbol */
	struct obj_bytes b = load("hash_counter");
	Elf64_Sym *s = obj_sym(&b, "counts");
	s->st_shndx = SHN_UNDEF;
	expect_error(&b, ENOTSUP, "section '.reluprobe' offset 0: extern variable 'counts' is not supported");
}

/* .rel.maps: a map of maps' `.values = { [0] = &inner_a, ... }` */
static void test_bad_map_init_values(void **state)
{
	(void)state;
	struct obj_bytes b = load("map_in_map");
	Elf64_Rel *rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".rel.maps"));
	rel[0].r_offset = 0x1000;
	expect_error(&b, EINVAL, "section '.rel.maps' offset 0: relocation at .maps+0x1000 is in no map definition");
	b = load("map_in_map");
	rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".rel.maps"));
	rel[0].r_offset = obj_sym(&b, "inner_b")->st_value;
	expect_error(&b, ENOTSUP,
		     "section '.rel.maps' offset 0: map 'inner_b': initial values are for maps of maps and prog arrays");
	b = load("map_in_map");
	rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".rel.maps"));
	rel[1].r_offset = obj_sym(&b, "outer")->st_value + 4;
	expect_error(&b, EINVAL, "section '.rel.maps' offset 0x10: map 'outer': relocation at +0x4 is not a 'values' slot");
	b = load("map_in_map");
	rel = (Elf64_Rel *)obj_sec_data(&b, obj_find(&b, ".rel.maps"));
	Elf64_Sym *prog = obj_sym(&b, "count_by_id"), *syms = (Elf64_Sym *)obj_sec_data(&b, obj_find(&b, ".symtab"));
	rel[0].r_info = ELF64_R_INFO((uint64_t)(prog - syms), ELF64_R_TYPE(rel[0].r_info));
	expect_error(&b, EINVAL, "section '.rel.maps' offset 0: map 'outer': initial value 'count_by_id' is not a map");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_rel_target),
		cmocka_unit_test(test_relocation_out_of_range),
		cmocka_unit_test(test_unknown_map_type),
		cmocka_unit_test(test_straddle),
		cmocka_unit_test(test_bad_symbol_section),
		cmocka_unit_test(test_bad_btf),
		cmocka_unit_test(test_extern_variable),
		cmocka_unit_test(test_bad_map_init_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
