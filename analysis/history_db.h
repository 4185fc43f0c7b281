/* SPDX-License-Identifier: MIT */
/*
 * The history's SQL helpers, shared by the modules that query its database (history.c,
 * alerts.c); not part of history.h's API. A failure puts one line in err.
 */
#ifndef EB_HISTORY_DB_H
#define EB_HISTORY_DB_H

#include <stddef.h>

#include <sqlite3.h>

#include "history.h"

/* ret, with fmt's line in err */
int history_err(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* -EIO, with "PATH: WHAT: SQLite's message" in err */
int history_db_fail(struct history *h, char *err, size_t len, const char *what);
/* A statement of sql, or -EIO */
int history_prep(struct history *h, sqlite3_stmt **st, const char *sql, char *err, size_t len);
/* Run sql (statements without rows); -EIO */
int history_exec(struct history *h, const char *sql, char *err, size_t len);
/* Bind a copy of s; x, or NULL for NaN and infinities */
void history_bind_text(sqlite3_stmt *st, int i, const char *s);
void history_bind_num(sqlite3_stmt *st, int i, double x);
/* Column i as a number (NaN for NULL), as text into buf ("" for NULL) */
double history_col_num(sqlite3_stmt *st, int i);
void history_col_text(sqlite3_stmt *st, int i, char *buf, size_t len);
/*
 * Room for one more item of size bytes in *v, which holds n of cap (doubled when full, cap
 * updated): 1, or 0 when out of memory (*v as it was).
 */
int history_grow(void **v, size_t n, size_t *cap, size_t size);
/* Now, ISO 8601 UTC */
void history_now(char *buf, size_t len);

#endif
