/* SPDX-License-Identifier: MIT */
/* report.md and its charts (drawn with plot.h) of one run's results. */
#ifndef EB_REPORT_H
#define EB_REPORT_H

#include <stdio.h>

#include "results.h"

/* The markdown table of the benchmarks (also what exitbench prints after a run). */
void report_table(FILE *f, const struct results *r);
/*
 * Write dir/report.md and, with gnuplot, dir/<benchmark>.png histograms; with what a trace
 * gave the benchmarks (struct res_trace: `exitbench trace --results`), the sections "Round
 * trip by phase" (and dir/phases.png, dir/<benchmark>-phases.png) and "Exits by reason".
 * Returns 0, or -errno; *plot_problem says why plots are missing (NULL when drawn).
 */
int report_write(const struct results *r, const char *dir, const char **plot_problem);

#endif
