/* SPDX-License-Identifier: MIT */
#include "asm.h"
/* The loop alone: its ticks are the loop and timebase overhead every other benchmark carries. */
BENCH_INFO null, 0, EB_EXIT_NONE, 0, "empty loop: loop and timebase overhead, no exit (baseline)"
BENCH_LOOP_BEGIN
BENCH_LOOP_END
