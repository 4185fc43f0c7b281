/* SPDX-License-Identifier: MIT */
/*
 * exitbench's subcommands that have a file of their own (cmd_<name>.c), as kvmtool and perf
 * keep theirs; exitbench.c dispatches to them from its one table. Each returns the exit
 * status: 0 fine, 1 (a regression, a failure with results kept), 2 bad input.
 */
#ifndef EB_CMDS_H
#define EB_CMDS_H

/* the nightly history: import, detect, confirm, blame, alerts, triage (cmd_history.c) */
int cmd_history(int argc, char **argv);
/* the first commit with a change: git bisect over built kernels (cmd_bisect.c) */
int cmd_bisect(int argc, char **argv);

#endif
