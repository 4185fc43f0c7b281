// SPDX-License-Identifier: MIT
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "text.h"

/* the info of version 1 ends before the parameters */
#define INFO_V1_SIZE offsetof(struct eb_bench_info, params)

/*
 * An image's fields are in its own byte order (little-endian: ppc64le guests; big-endian:
 * ppc32 guests), which its info's magic tells; these read one in host order.
 */
static uint16_t img16(uint16_t v, int be)
{
	return be ? be16toh(v) : le16toh(v);
}

static uint32_t img32(uint32_t v, int be)
{
	return be ? be32toh(v) : le32toh(v);
}

static uint64_t img64(uint64_t v, int be)
{
	return be ? be64toh(v) : le64toh(v);
}

/* dirs/BENCH.bin into path, the first of DIR[:DIR...] that has it: 0, or -errno */
static int find_image(const char *dirs, const char *bench, char *path, size_t len)
{
	const char *d = dirs, *end;
	int ret = -ENOENT;

	do {
		end = strchr(d, ':');
		if (!end)
			end = d + strlen(d);
		if (text_path(path, len, "%.*s/%s.bin", (int)(end - d), d, bench))
			ret = -ENAMETOOLONG;
		else if (!access(path, R_OK))
			return 0;
		else if (errno != ENOENT)
			ret = -errno;
		d = end + 1;
	} while (*end);
	return ret;
}

int eb_image_load(const char *dirs, const char *bench, char **image, size_t *size,
		  struct eb_bench_info *info, char *err, size_t errlen)
{
	char path[4096];
	uint16_t version, isize;
	FILE *f;
	long len;
	int ret, be;

	*image = NULL;
	ret = find_image(dirs, bench, path, sizeof(path));
	if (ret) {
		text_fmt(err, errlen, "%s/%s.bin: %s", dirs, bench, strerror(-ret));
		return ret;
	}
	f = fopen(path, "rb");
	if (!f) {
		text_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	if (len < (long)(EB_INFO_OFFSET + sizeof(*info)) || (unsigned long)len > EB_IMAGE_MAX) {
		text_fmt(err, errlen, "%s: size %ld is not a guest image (max %lu)", path, len,
			 (unsigned long)EB_IMAGE_MAX);
		fclose(f);
		return -1;
	}
	*image = malloc(len);
	if (!*image || fread(*image, 1, len, f) != (size_t)len) {
		text_fmt(err, errlen, "%s: read failed", path);
		fclose(f);
		free(*image);
		*image = NULL;
		return -1;
	}
	fclose(f);
	*size = len;
	memcpy(info, *image + EB_INFO_OFFSET, sizeof(*info));
	if (le32toh(info->magic) == EB_INFO_MAGIC)
		be = 0;
	else if (be32toh(info->magic) == EB_INFO_MAGIC)
		be = 1;
	else
		goto bad;
	info->magic = EB_INFO_MAGIC;
	info->version = version = img16(info->version, be);
	info->size = isize = img16(info->size, be);
	if (version == 1 && isize == INFO_V1_SIZE)
		memset(info->params, 0, sizeof(info->params));
	else if (version != EB_INFO_VERSION || isize != sizeof(*info))
		goto bad;
	info->exits_per_iter = img32(info->exits_per_iter, be);
	info->exit_kind = img32(info->exit_kind, be);
	info->flags = img32(info->flags, be);
	info->reserved = img32(info->reserved, be);
	if (!memchr(info->name, 0, sizeof(info->name)) ||
	    !memchr(info->what, 0, sizeof(info->what)) || info->exit_kind >= EB_EXIT_KINDS)
		goto bad;
	for (int i = 0; i < EB_MAX_PARAMS; i++) {
		struct eb_param_info *p = &info->params[i];

		p->max = img64(p->max, be);
		p->def = img64(p->def, be);
		/* a declared parameter, or none: an empty name, no bounds */
		if (!memchr(p->name, 0, sizeof(p->name)) ||
		    (p->name[0] ? !suite_param_name_ok(p->name) || p->def > p->max : p->max || p->def))
			goto bad;
	}
	if (strcmp(info->name, bench)) {
		text_fmt(err, errlen, "%s: the image says it is benchmark '%s'", path, info->name);
		free(*image);
		*image = NULL;
		return -1;
	}
	return 0;
bad:
	text_fmt(err, errlen, "%s: no valid benchmark info at offset 0x%x", path, EB_INFO_OFFSET);
	free(*image);
	*image = NULL;
	return -1;
}

int eb_image_info(const char *dirs, const char *bench, struct eb_bench_info *info, char *err,
		  size_t errlen)
{
	char *image;
	size_t size;
	int r = eb_image_load(dirs, bench, &image, &size, info, err, errlen);

	free(image);
	return r;
}

void eb_params_describe(const struct eb_bench_info *info, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < EB_MAX_PARAMS && info->params[i].name[0]; i++) {
		text_fmt(buf + n, len - n, "%s%s (0..%" PRIu64 ", default %" PRIu64 ")", n ? ", " : "",
			 info->params[i].name, info->params[i].max, info->params[i].def);
		n = strlen(buf);
	}
	if (!n)
		text_fmt(buf, len, "none");
}

int eb_params_resolve(const struct eb_bench_info *info, const struct suite_entry *e,
		      uint64_t values[EB_MAX_PARAMS], char *err, size_t errlen)
{
	char takes[160];

	for (int i = 0; i < EB_MAX_PARAMS; i++)
		values[i] = info->params[i].def;
	for (uint32_t k = 0; k < e->nparams; k++) {
		int i;

		for (i = 0; i < EB_MAX_PARAMS && info->params[i].name[0]; i++)
			if (!strcmp(info->params[i].name, e->param_names[k]))
				break;
		if (i == EB_MAX_PARAMS || !info->params[i].name[0]) {
			eb_params_describe(info, takes, sizeof(takes));
			text_fmt(err, errlen, "%s: benchmark %s has no parameter '%s' (its parameters: %s)",
				 e->name, e->bench, e->param_names[k], takes);
			return -1;
		}
		if (e->param_values[k] > info->params[i].max) {
			text_fmt(err, errlen, "%s: %s=%" PRIu64 " is beyond %s's maximum, %" PRIu64,
				 e->name, e->param_names[k], e->param_values[k], e->bench,
				 info->params[i].max);
			return -1;
		}
		values[i] = e->param_values[k];
	}
	return 0;
}
