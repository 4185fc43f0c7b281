/* SPDX-License-Identifier: MIT */
/* Assembler helpers of the ppc32 guest kernels (big-endian, 32-bit Book3S). */
#ifndef EB_PPC32_ASM_H
#define EB_PPC32_ASM_H

#include <exitbench/bench_info.h>
#include <exitbench/mailbox.h>

/* load a 32-bit constant (the image runs at its link address, 0, in real mode) */
#define LOAD_IMM32(r, v)		\
	lis	r, (v)@h;		\
	ori	r, r, (v)@l

/* the benchmark loop (exitbench/bench_loop.h) in this word size */
#define EB_LOAD_ADDR(r, v)	LOAD_IMM32(r, v)
#define EB_CMPI			cmpwi
#include <exitbench/bench_loop.h>

#endif
