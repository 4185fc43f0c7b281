/* SPDX-License-Identifier: MIT */
/*
 * Bounded formatting that never cuts in silence (the build keeps -Wformat-truncation on):
 * a message that does not fit its buffer ends in "..." and stays one readable line; a path
 * or a name that must be whole is refused instead. Portable C, both sides use it.
 */
#ifndef EB_TEXT_H
#define EB_TEXT_H

#include <stddef.h>

/* snprintf into buf[len] (len >= 4); a text cut to fit ends in "...". 1 when cut, else 0. */
int text_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* snprintf into buf[len], whole or not at all: -ENAMETOOLONG (buf "") when it does not fit. */
int text_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
