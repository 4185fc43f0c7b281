/* SPDX-License-Identifier: MIT */
/* The runner's side of the mailbox: write a request, validate what the guest wrote. */
#ifndef EB_RUNNER_MAILBOX_H
#define EB_RUNNER_MAILBOX_H

#include <exitbench/mailbox.h>

struct eb_request {
	uint64_t iterations;
	uint64_t warmup;
	uint32_t batches;
	uint32_t repetitions;
	uint64_t params[EB_MAX_PARAMS];	/* the benchmark's, in its info's order */
	int translation;		/* EB_NEED_MMU: the guest's MSR must say IR and DR */
};

/* Fill the mailbox header with a request (deltas zeroed). */
void eb_mailbox_init(struct eb_mailbox *mb, const struct eb_request *req);
/*
 * After EB_DB_REP_END of repetition rep: 0 when the guest's record of it can be trusted,
 * -EINVAL with *why set otherwise. size is the mailbox's mapped size in bytes.
 */
int eb_mailbox_check_rep(const struct eb_mailbox *mb, size_t size, const struct eb_request *req,
			 uint32_t rep, const char **why);
/* The deltas of the repetition just ended (valid after a successful check). */
const uint64_t *eb_mailbox_deltas(const struct eb_mailbox *mb);
/* One line describing a failed guest (status, vector, pc, a storage fault's address). */
void eb_mailbox_describe_failure(const struct eb_mailbox *mb, char *buf, size_t len);

#endif
