// SPDX-License-Identifier: MIT
/* Guest images' benchmark info, and a suite line's parameters against it (bench/lib/image.c). */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image.h"
#include "tmpdir.h"

static char dir[] = "/tmp/exitbench-image-XXXXXX";

/* the image's byte order: a ppc64le guest's, or a ppc32 (big-endian) guest's */
enum order { LE, BE };

static uint16_t out16(uint16_t v, enum order o)
{
	return o == BE ? htobe16(v) : htole16(v);
}

static uint32_t out32(uint32_t v, enum order o)
{
	return o == BE ? htobe32(v) : htole32(v);
}

static uint64_t out64(uint64_t v, enum order o)
{
	return o == BE ? htobe64(v) : htole64(v);
}

/*
 * an image of bench as the guest build lays it out, in byte order o: a branch, the info at
 * 0x10 (its magic MAGIC), code
 */
static void write_image_as(const char *bench, enum order o, uint32_t magic, uint16_t version,
			   const char *p0, uint64_t max, uint64_t def)
{
	char path[256], image[0x400] = { 0 };
	struct eb_bench_info info = { 0 };
	FILE *f;

	info.magic = out32(magic, o);
	info.version = out16(version, o);
	info.size = out16(version == 1 ? offsetof(struct eb_bench_info, params) : sizeof(info), o);
	snprintf(info.name, sizeof(info.name), "%s", bench);
	info.exits_per_iter = out32(1, o);
	info.exit_kind = out32(EB_EXIT_EMUL, o);
	info.flags = out32(p0 ? EB_NEED_MMU : 0, o);
	snprintf(info.what, sizeof(info.what), "test image");
	if (p0) {
		snprintf(info.params[0].name, sizeof(info.params[0].name), "%s", p0);
		info.params[0].max = out64(max, o);
		info.params[0].def = out64(def, o);
	}
	memcpy(image + EB_INFO_OFFSET, &info, version == 1 ? offsetof(struct eb_bench_info, params) :
							     sizeof(info));
	snprintf(path, sizeof(path), "%s/%s.bin", dir, bench);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(image, 1, sizeof(image), f), sizeof(image));
	fclose(f);
}

/* a ppc64le guest's image */
static void write_image(const char *bench, uint16_t version, const char *p0, uint64_t max,
			uint64_t def)
{
	write_image_as(bench, LE, EB_INFO_MAGIC, version, p0, max, def);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	write_image("pvr-mmu", 2, "segments", 62, 0);
	write_image("pvr", 1, NULL, 0, 0);
	write_image("deflt", 2, "depth", 10, 3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void parse_line(const char *text, struct suite *s)
{
	char err[256];
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_int_equal(suite_parse(f, "t", s, err, sizeof(err)), 0);
	fclose(f);
}

static void info_in_host_order(void **state)
{
	struct eb_bench_info info;
	char err[256];
	char *image;
	size_t size;

	(void)state;
	assert_int_equal(eb_image_load(dir, "pvr-mmu", &image, &size, &info, err, sizeof(err)), 0);
	assert_int_equal(size, 0x400);
	assert_int_equal(info.exit_kind, EB_EXIT_EMUL);
	assert_int_equal(info.flags, EB_NEED_MMU);
	assert_string_equal(info.params[0].name, "segments");
	assert_int_equal(info.params[0].max, 62);
	assert_string_equal(info.params[1].name, "");
	free(image);
	/* version 1: no parameters */
	assert_int_equal(eb_image_info(dir, "pvr", &info, err, sizeof(err)), 0);
	assert_string_equal(info.params[0].name, "");
}

/* a ppc32 guest's image: big-endian, its magic says so, every field read in that order */
static void big_endian_image(void **state)
{
	struct eb_bench_info info;
	char err[256];
	char *image;
	size_t size;

	(void)state;
	write_image_as("pvr-be", BE, EB_INFO_MAGIC, 2, "depth", 0x1234, 0x12);
	assert_int_equal(eb_image_load(dir, "pvr-be", &image, &size, &info, err, sizeof(err)), 0);
	assert_int_equal(size, 0x400);
	assert_int_equal(info.magic, EB_INFO_MAGIC);
	assert_int_equal(info.version, 2);
	assert_int_equal(info.size, sizeof(info));
	assert_string_equal(info.name, "pvr-be");
	assert_int_equal(info.exits_per_iter, 1);
	assert_int_equal(info.exit_kind, EB_EXIT_EMUL);
	assert_int_equal(info.flags, EB_NEED_MMU);
	assert_string_equal(info.what, "test image");
	assert_string_equal(info.params[0].name, "depth");
	assert_int_equal(info.params[0].max, 0x1234);
	assert_int_equal(info.params[0].def, 0x12);
	assert_string_equal(info.params[1].name, "");
	free(image);
	/* version 1, big-endian: no parameters */
	write_image_as("pvr-be1", BE, EB_INFO_MAGIC, 1, NULL, 0, 0);
	assert_int_equal(eb_image_info(dir, "pvr-be1", &info, err, sizeof(err)), 0);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.exits_per_iter, 1);
	assert_int_equal(info.exit_kind, EB_EXIT_EMUL);
	assert_string_equal(info.params[0].name, "");
}

/* a magic that is EB_INFO_MAGIC in neither byte order: no valid info, in either */
static void magic_of_neither_order(void **state)
{
	struct eb_bench_info info;
	char err[512];

	(void)state;
	write_image_as("badmagic-le", LE, EB_INFO_MAGIC ^ 1, 2, NULL, 0, 0);
	assert_int_equal(eb_image_info(dir, "badmagic-le", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no valid benchmark info"));
	write_image_as("badmagic-be", BE, 0x12345678, 2, NULL, 0, 0);
	assert_int_equal(eb_image_info(dir, "badmagic-be", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no valid benchmark info"));
}

/* DIR[:DIR...]: the first folder that has the image */
static void image_in_a_list_of_folders(void **state)
{
	struct eb_bench_info info;
	char dirs[256], err[512];

	(void)state;
	snprintf(dirs, sizeof(dirs), "/nonexistent:%s/none:%s", dir, dir);
	assert_int_equal(eb_image_info(dirs, "pvr-mmu", &info, err, sizeof(err)), 0);
	assert_string_equal(info.params[0].name, "segments");
	assert_int_equal(eb_image_info(dirs, "missing", &info, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/missing.bin: No such file"));
}

static void bad_images(void **state)
{
	struct eb_bench_info info;
	char err[512], path[256];
	FILE *f;

	(void)state;
	assert_int_equal(eb_image_info(dir, "missing", &info, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing.bin: No such file"));
	/* an image whose info names another benchmark */
	snprintf(path, sizeof(path), "%s/pvr-mmu.bin", dir);
	snprintf(err, sizeof(err), "%s/other.bin", dir);
	assert_int_equal(link(path, err), 0);
	assert_int_equal(eb_image_info(dir, "other", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the image says it is benchmark 'pvr-mmu'"));
	/* a parameter whose default is beyond its maximum: not a valid info */
	write_image("baddef", 2, "n", 3, 4);
	assert_int_equal(eb_image_info(dir, "baddef", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no valid benchmark info"));
	/* too short to hold an info */
	snprintf(path, sizeof(path), "%s/short.bin", dir);
	f = fopen(path, "wb");
	fputs("x", f);
	fclose(f);
	assert_int_equal(eb_image_info(dir, "short", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a guest image"));
}

static void params_resolved(void **state)
{
	struct eb_bench_info mmu, pvr, deflt;
	uint64_t v[EB_MAX_PARAMS];
	char err[256];
	struct suite s;

	(void)state;
	assert_int_equal(eb_image_info(dir, "pvr-mmu", &mmu, err, sizeof(err)), 0);
	assert_int_equal(eb_image_info(dir, "pvr", &pvr, err, sizeof(err)), 0);
	assert_int_equal(eb_image_info(dir, "deflt", &deflt, err, sizeof(err)), 0);
	parse_line("pvr-mmu:segments=8 100 1\npvr-mmu 100 1\npvr-mmu:segments=63 100 1\n"
		   "pvr:segments=1 100 1\npvr-mmu:depth=1 100 1\ndeflt 100 1\n", &s);
	assert_int_equal(eb_params_resolve(&mmu, &s.entries[0], v, err, sizeof(err)), 0);
	assert_int_equal(v[0], 8);
	assert_int_equal(eb_params_resolve(&mmu, &s.entries[1], v, err, sizeof(err)), 0);
	assert_int_equal(v[0], 0);
	assert_int_equal(eb_params_resolve(&mmu, &s.entries[2], v, err, sizeof(err)), -1);
	assert_string_equal(err, "pvr-mmu:segments=63: segments=63 is beyond pvr-mmu's maximum, 62");
	assert_int_equal(eb_params_resolve(&pvr, &s.entries[3], v, err, sizeof(err)), -1);
	assert_string_equal(err, "pvr:segments=1: benchmark pvr has no parameter 'segments' "
				 "(its parameters: none)");
	assert_int_equal(eb_params_resolve(&mmu, &s.entries[4], v, err, sizeof(err)), -1);
	assert_string_equal(err, "pvr-mmu:depth=1: benchmark pvr-mmu has no parameter 'depth' "
				 "(its parameters: segments (0..62, default 0))");
	/* not given: the default */
	assert_int_equal(eb_params_resolve(&deflt, &s.entries[5], v, err, sizeof(err)), 0);
	assert_int_equal(v[0], 3);
	suite_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(info_in_host_order),
		cmocka_unit_test(big_endian_image),
		cmocka_unit_test(magic_of_neither_order),
		cmocka_unit_test(image_in_a_list_of_folders),
		cmocka_unit_test(bad_images),
		cmocka_unit_test(params_resolved),
	};
	return cmocka_run_group_tests_name("image", tests, setup, teardown);
}
