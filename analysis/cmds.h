/* SPDX-License-Identifier: MIT */
/*
 * exitbench's subcommands, a file each (cmd_<name>.c), as kvmtool and perf keep theirs;
 * exitbench.c dispatches to them from its one table. Each returns the exit status: 0 fine,
 * 1 (a regression, a failure with results kept), 2 bad input.
 */
#ifndef EB_CMDS_H
#define EB_CMDS_H

#include <stdio.h>

/* one "exitbench: ..." line on stderr, and the status of bad input */
#define die2(...) do { fprintf(stderr, "exitbench: " __VA_ARGS__); fputc('\n', stderr); return 2; } while (0)

/* raw run records -> results.json (cmd_collect.c) */
int cmd_collect(int argc, char **argv);
/* results.json -> report.md, plots; the table on stdout (cmd_report.c) */
int cmd_report(int argc, char **argv);
/* check a suite file against the benchmarks there are (cmd_suite.c) */
int cmd_suite(int argc, char **argv);
/* A vs B: change, interval, verdict (cmd_compare.c) */
int cmd_compare(int argc, char **argv);
/* trace.dat or tracefs -> per-phase, per-exit histograms (cmd_trace.c) */
int cmd_trace(int argc, char **argv);
/* the nightly history: import, changes, alerts, triage, page (cmd_history.c) */
int cmd_history(int argc, char **argv);
/* the first commit with a change: git bisect over built kernels (cmd_bisect.c) */
int cmd_bisect(int argc, char **argv);

/* s as a number within [lo, hi] (a percentage, a seed, a count): 0, or -1 */
int cmd_number(const char *s, double lo, double hi, double *out);

#endif
