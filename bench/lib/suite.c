// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

#define DEFAULT_BATCHES 100
#define DEFAULT_TIMEOUT_S 300
#define MAX_ITERATIONS 10000000000ULL
#define MAX_REPETITIONS 100000
#define MAX_BATCHES 131040	/* EB_MAX_BATCHES of the mailbox */

static int fail(char *err, size_t errlen, const char *fname, int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%d: ", fname, line);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* a whole decimal number in [min, max] */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int valid_name(const char *s)
{
	if (!*s || strlen(s) >= EB_NAME_LEN)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

int suite_param_name_ok(const char *s)
{
	if (!*s || strlen(s) >= EB_PARAM_NAME_LEN)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/*
 * tok: BENCH[:PARAM=VALUE[,PARAM=VALUE]] into e->name (all of it), e->bench and the
 * parameters; 0, or -1 with why filled
 */
static int parse_name(const char *tok, struct suite_entry *e, char *why, size_t len)
{
	char buf[EB_NAME_LEN], *colon, *save = NULL;

	if (strlen(tok) >= EB_NAME_LEN)
		/* (at most 64 of it shown) */
		return snprintf(why, len, "name '%.64s%s' longer than %d characters", tok,
				strlen(tok) > 64 ? "..." : "", EB_NAME_LEN - 1), -1;
	strcpy(buf, tok);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (!valid_name(buf))
		return snprintf(why, len, "bad benchmark name '%s'", tok), -1;
	strcpy(e->name, tok);
	strcpy(e->bench, buf);
	if (!colon)
		return 0;
	if (!colon[1])
		return snprintf(why, len, "'%s': no parameter after ':' (NAME:PARAM=VALUE,...)", tok), -1;
	for (char *kv = strtok_r(colon + 1, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv)
			return snprintf(why, len, "'%s': parameter '%s' is not PARAM=VALUE", tok, kv), -1;
		*eq++ = '\0';
		if (!suite_param_name_ok(kv))
			return snprintf(why, len, "'%s': bad parameter name '%s' ([a-z0-9_], at most %d)",
					tok, kv, EB_PARAM_NAME_LEN - 1), -1;
		for (uint32_t i = 0; i < e->nparams; i++)
			if (!strcmp(e->param_names[i], kv))
				return snprintf(why, len, "'%s': parameter '%s' given twice", tok, kv), -1;
		if (e->nparams == EB_MAX_PARAMS)
			return snprintf(why, len, "'%s': more than %d parameters", tok, EB_MAX_PARAMS), -1;
		if (parse_u64(eq, 0, INT64_MAX, &e->param_values[e->nparams]))
			return snprintf(why, len, "'%s': parameter %s's value '%s' is not a whole number",
					tok, kv, eq), -1;
		strcpy(e->param_names[e->nparams++], kv);
	}
	return 0;
}

static int parse_line(char *p, const char *fname, int line, struct suite_entry *e,
		      char *err, size_t errlen)
{
	char *tok[16], *save = NULL, why[160];
	int ntok = 0, i;
	uint64_t v;

	for (char *t = strtok_r(p, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (ntok == 16)
			return fail(err, errlen, fname, line, "too many fields");
		tok[ntok++] = t;
	}
	if (ntok < 3)
		return fail(err, errlen, fname, line,
			    "expected 'name[:param=value,...] iterations repetitions [key=value ...]'");
	memset(e, 0, sizeof(*e));
	e->line = line;
	if (parse_name(tok[0], e, why, sizeof(why)))
		return fail(err, errlen, fname, line, "%s", why);
	if (parse_u64(tok[1], 1, MAX_ITERATIONS, &e->iterations))
		return fail(err, errlen, fname, line, "iterations '%s' is not a number in 1..%llu",
			    tok[1], (unsigned long long)MAX_ITERATIONS);
	if (parse_u64(tok[2], 1, MAX_REPETITIONS, &v))
		return fail(err, errlen, fname, line, "repetitions '%s' is not a number in 1..%d",
			    tok[2], MAX_REPETITIONS);
	e->repetitions = v;
	e->batches = e->iterations >= DEFAULT_BATCHES && e->iterations % DEFAULT_BATCHES == 0 ?
		     DEFAULT_BATCHES : 1;
	e->warmup = e->iterations / 10;
	e->timeout_s = DEFAULT_TIMEOUT_S;
	for (i = 3; i < ntok; i++) {
		char *eq = strchr(tok[i], '=');

		if (!eq)
			return fail(err, errlen, fname, line, "expected key=value, got '%s'", tok[i]);
		*eq++ = '\0';
		if (!strcmp(tok[i], "batches")) {
			if (parse_u64(eq, 1, MAX_BATCHES, &v))
				return fail(err, errlen, fname, line,
					    "batches '%s' is not a number in 1..%d", eq, MAX_BATCHES);
			e->batches = v;
		} else if (!strcmp(tok[i], "warmup")) {
			if (parse_u64(eq, 0, MAX_ITERATIONS, &e->warmup))
				return fail(err, errlen, fname, line, "warmup '%s' is not a number", eq);
		} else if (!strcmp(tok[i], "timeout")) {
			if (parse_u64(eq, 1, 86400, &v))
				return fail(err, errlen, fname, line,
					    "timeout '%s' is not a number of seconds in 1..86400", eq);
			e->timeout_s = v;
		} else {
			return fail(err, errlen, fname, line,
				    "unknown key '%s' (batches, warmup, timeout)", tok[i]);
		}
	}
	if (e->iterations % e->batches)
		return fail(err, errlen, fname, line,
			    "iterations %" PRIu64 " is not a multiple of batches=%" PRIu32,
			    e->iterations, e->batches);
	return 0;
}

int suite_parse(FILE *f, const char *fname, struct suite *s, char *err, size_t errlen)
{
	char buf[512];
	int line = 0, r;
	size_t cap = 0;

	memset(s, 0, sizeof(*s));
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *hash;
		struct suite_entry e;

		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			suite_free(s);
			return fail(err, errlen, fname, line, "line too long");
		}
		hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		r = parse_line(p, fname, line, &e, err, errlen);
		if (r) {
			suite_free(s);
			return r;
		}
		for (size_t i = 0; i < s->n; i++) {
			if (!strcmp(s->entries[i].name, e.name)) {
				fail(err, errlen, fname, line, "benchmark '%s' already at line %d",
				     e.name, s->entries[i].line);
				suite_free(s);
				return -EINVAL;
			}
		}
		if (s->n == cap) {
			struct suite_entry *n;

			cap = cap ? 2 * cap : 8;
			n = realloc(s->entries, cap * sizeof(*n));
			if (!n) {
				suite_free(s);
				snprintf(err, errlen, "%s: out of memory", fname);
				return -ENOMEM;
			}
			s->entries = n;
		}
		s->entries[s->n++] = e;
	}
	if (ferror(f)) {
		suite_free(s);
		snprintf(err, errlen, "%s: read error", fname);
		return -EIO;
	}
	if (!s->n) {
		snprintf(err, errlen, "%s: no benchmark in the suite", fname);
		return -EINVAL;
	}
	return 0;
}

int suite_load(const char *path, struct suite *s, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int r;

	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	r = suite_parse(f, path, s, err, errlen);
	fclose(f);
	return r;
}

int suite_check_names(const struct suite *s, const char *fname, const char *const *known,
		      size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t k;

		for (k = 0; k < n; k++)
			if (!strcmp(known[k], s->entries[i].bench))
				break;
		if (k == n) {
			size_t len;

			snprintf(err, errlen, "%s:%d: unknown benchmark '%s' (known:", fname,
				 s->entries[i].line, s->entries[i].bench);
			for (k = 0; k < n; k++) {
				len = strlen(err);
				snprintf(err + len, errlen - len, " %s", known[k]);
			}
			len = strlen(err);
			snprintf(err + len, errlen - len, ")");
			return -ENOENT;
		}
	}
	return 0;
}

size_t suite_dir_names(const char *dir, const char *const *suffixes,
		       char (*names)[EB_NAME_LEN], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		size_t len = strlen(de->d_name);

		for (const char *const *suf = suffixes; *suf; suf++) {
			size_t sl = strlen(*suf), nl = len - sl;

			if (len > sl && nl < EB_NAME_LEN && !strcmp(de->d_name + nl, *suf)) {
				memcpy(names[n], de->d_name, nl);
				names[n++][nl] = '\0';
				break;
			}
		}
	}
	closedir(d);
	return n;
}

void suite_free(struct suite *s)
{
	free(s->entries);
	s->entries = NULL;
	s->n = 0;
}
