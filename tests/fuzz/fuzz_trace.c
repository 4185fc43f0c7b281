// SPDX-License-Identifier: MIT
/*
 * libFuzzer: a trace.dat as exitbench trace reads it (trace_read_file: the header check,
 * libtracecmd's parsing, the CPU count, every record through the decoder, the summary and
 * its outputs). libtracecmd needs a path: the input goes to a memfd, read as /proc/self/fd/N.
 * Seeds: tests/fuzz/corpus/fuzz_trace (tiny real files of mktrace.sh, uncompressed v6 and v7,
 * zstd v7, another kernel's format).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../analysis/trace.h"

/*
 * Leaks inside libtracecmd/libtraceevent 3.1.6/1.7.1 on files they refuse (their error paths
 * free too little; tracecmd_parse_trace_clock leaks once a handle): not exitbench's, whose own
 * leaks the unit tests check with exact suppressions. The fuzzer looks for crashes.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	/* the clock's leak is sscanf("%ms")'s allocation; the fast unwinder stops in libc there */
	return "leak:libtracecmd.so\nleak:libtraceevent.so\nleak:__isoc99_vsscanf\n";
}

/*
 * libtracecmd allocates what a file's section sizes say and checks for NULL: an absurd size is
 * a NULL from malloc in real use, not the sanitizer's abort.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/*
 * Flags of this target on top of run.sh's:
 * - libFuzzer's own malloc limit (the RSS limit, 2 GB in run.sh) would report such a malloc
 *   as an out-of-memory crash before malloc could say no: raised, while the RSS limit stays
 *   (a large malloc that is never filled costs no RSS);
 * - no leak detection: libtracecmd leaks on every handle (above), so every input would be
 *   run twice and the heap scanned, 5x slower; exitbench's own leaks on bad files are checked
 *   by test_trace_bad (LeakSanitizer, exact suppressions). This target hunts crashes.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char limit[] = "-malloc_limit_mb=1048576", leaks[] = "-detect_leaks=0";
	char **v = malloc(((size_t)*argc + 3) * sizeof(*v));

	if (!v)
		return 0;
	for (int i = 0; i < *argc; i++)
		v[i] = (*argv)[i];
	v[*argc] = limit;
	v[*argc + 1] = leaks;
	v[*argc + 2] = NULL;
	*argv = v;
	*argc += 2;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_read_opts o = { .threads = 1 + (unsigned)(size & 1), .library_noise = 1 };
	struct trace_summary s;
	struct trace_source src;
	char path[64], err[1024];
	int fd = memfd_create("fuzz-trace", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (trace_read_file(path, &o, &s, &src, err, sizeof(err)) == 0) {
		FILE *null = fopen("/dev/null", "w");
		struct res_trace_run run;

		if (null) {
			trace_print(null, &s, &src);
			fclose(null);
		}
		if (!trace_run_result(&s, &src, &run))
			res_trace_run_free(&run);
		trace_summary_free(&s);
	}
	close(fd);
	return 0;
}
