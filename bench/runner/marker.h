/* SPDX-License-Identifier: MIT */
/*
 * Trace markers: a line into tracefs's trace_marker before and after each repetition's guest
 * run ("exitbench: begin bench=pvr rep=3"), written by the thread that calls KVM_RUN, so
 * that the events a trace records on the runner's CPU between two markers belong to that
 * repetition. Library code: returns -errno, prints nothing.
 */
#ifndef EB_MARKER_H
#define EB_MARKER_H

enum marker_mode {
	MARKER_AUTO,	/* when trace_marker is writable and tracing_on is 1 */
	MARKER_ON,	/* whenever trace_marker is writable (--trace-markers) */
	MARKER_OFF,	/* never (--no-trace-markers) */
};

struct marker {
	int fd;			/* -1: markers off */
	char path[96];		/* the trace_marker written to */
	char state[192];	/* "on: PATH" or "off: why", for the env record */
};

/*
 * Decide and open. 0 when markers are on or off by choice (auto, tracing off); -errno when
 * markers were wanted but trace_marker could not be opened (state says which and why).
 */
int marker_open(struct marker *m, enum marker_mode mode);
/* "exitbench: <what> bench=<bench> rep=<rep>" in one write; 0 when off. */
int marker_write(struct marker *m, const char *what, const char *bench, unsigned rep);
void marker_close(struct marker *m);

#endif
