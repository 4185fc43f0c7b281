/* SPDX-License-Identifier: MIT */
#include "asm.h"
/* Test only: a guest that never finishes its first batch, for the runner's watchdog. */
BENCH_INFO hang, 0, EB_EXIT_NONE, 0, "test: spins forever without an exit (watchdog test)"
BENCH_LOOP_BEGIN
	b	.
BENCH_LOOP_END
