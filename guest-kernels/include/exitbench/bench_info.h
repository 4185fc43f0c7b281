/* SPDX-License-Identifier: MIT */
/*
 * The BENCH_INFO assembler macro of every guest kernel (guest-kernels/<arch>/asm.h includes
 * it): data directives only, so one definition serves both byte orders and word sizes. The
 * assembler writes the fields in the image's own byte order; bench/lib/image.c tells the
 * order by EB_INFO_MAGIC.
 */
#ifndef EXITBENCH_BENCH_INFO_H
#define EXITBENCH_BENCH_INFO_H

#ifndef __ASSEMBLER__
#error "exitbench/bench_info.h is for assembler sources only"
#endif

#include <exitbench/mailbox.h>

/*
 * BENCH_INFO name, exits_per_iter, exit_kind, flags, "what" [, p0, p0max, p0def [, p1, p1max,
 * p1def]]: struct eb_bench_info of the benchmark in this file, placed at EB_INFO_OFFSET by
 * the linker script, with the parameters a suite line may give it (name:p0=N): a name, the
 * largest value, the default.
 */
.macro BENCH_INFO name, exits, kind, flags, what, p0=, p0max=0, p0def=0, p1=, p1max=0, p1def=0
	.pushsection .bench_info, "a"
	.globl	eb_info
eb_info:
	.long	EB_INFO_MAGIC
	.short	EB_INFO_VERSION
	.short	240
1:	.asciz	"\name"
	.org	1b + EB_NAME_LEN
	.long	\exits
	.long	\kind
	.long	\flags
	.long	0
2:	.asciz	"\what"
	.org	2b + EB_WHAT_LEN
3:	.asciz	"\p0"
	.org	3b + EB_PARAM_NAME_LEN
	.quad	\p0max
	.quad	\p0def
4:	.asciz	"\p1"
	.org	4b + EB_PARAM_NAME_LEN
	.quad	\p1max
	.quad	\p1def
	.popsection
.endm

#endif
