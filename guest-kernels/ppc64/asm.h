/* SPDX-License-Identifier: MIT */
/* Assembler helpers of the ppc64 guest kernels. */
#ifndef EB_PPC64_ASM_H
#define EB_PPC64_ASM_H

#include <exitbench/bench_info.h>
#include <exitbench/mailbox.h>

/* load a 64-bit constant (the image runs at its link address, 0, in real mode) */
#define LOAD_IMM64(r, v)		\
	lis	r, (v)@highest;		\
	ori	r, r, (v)@higher;	\
	rldicr	r, r, 32, 31;		\
	oris	r, r, (v)@h;		\
	ori	r, r, (v)@l

/* the benchmark loop (exitbench/bench_loop.h) in this word size */
#define EB_LOAD_ADDR(r, v)	LOAD_IMM64(r, v)
#define EB_CMPI			cmpdi
#include <exitbench/bench_loop.h>

#endif
