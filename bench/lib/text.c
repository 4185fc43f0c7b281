// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* vsnprintf into buf[len]: 1 when it all fit */
static int fits(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, len, fmt, ap);

	return n >= 0 && (size_t)n < len;
}

int text_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ok;

	va_start(ap, fmt);
	ok = fits(buf, len, fmt, ap);
	va_end(ap);
	if (ok)
		return 0;
	if (len >= 4)
		memcpy(buf + len - 4, "...", 4);
	return 1;
}

int text_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int ok;

	va_start(ap, fmt);
	ok = fits(buf, len, fmt, ap);
	va_end(ap);
	if (ok)
		return 0;
	if (len)
		buf[0] = '\0';
	return -ENAMETOOLONG;
}
