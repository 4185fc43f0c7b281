// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mailbox.h"

void eb_mailbox_init(struct eb_mailbox *mb, const struct eb_request *req)
{
	memset(mb, 0, EB_DELTAS_OFFSET + (size_t)req->batches * sizeof(uint64_t));
	mb->magic = EB_MAILBOX_MAGIC;
	mb->version = EB_MAILBOX_VERSION;
	mb->deltas_offset = EB_DELTAS_OFFSET;
	mb->iterations = req->iterations;
	mb->warmup_iterations = req->warmup;
	mb->batches = req->batches;
	mb->repetitions = req->repetitions;
	memcpy(mb->params, req->params, sizeof(mb->params));
	mb->status = EB_ST_NEW;
}

const uint64_t *eb_mailbox_deltas(const struct eb_mailbox *mb)
{
	return (const uint64_t *)((const char *)mb + EB_DELTAS_OFFSET);
}

int eb_mailbox_check_rep(const struct eb_mailbox *mb, size_t size, const struct eb_request *req,
			 uint32_t rep, const char **why)
{
	const uint64_t *d;
	uint64_t sum = 0;

	if (size < EB_DELTAS_OFFSET + (size_t)req->batches * sizeof(uint64_t))
		return *why = "mailbox smaller than the request's deltas", -EINVAL;
	if (mb->magic != EB_MAILBOX_MAGIC || mb->version != EB_MAILBOX_VERSION ||
	    mb->deltas_offset != EB_DELTAS_OFFSET)
		return *why = "mailbox header overwritten (magic, version or deltas offset)", -EINVAL;
	if (mb->iterations != req->iterations || mb->batches != req->batches ||
	    mb->repetitions != req->repetitions || mb->warmup_iterations != req->warmup ||
	    memcmp(mb->params, req->params, sizeof(mb->params)))
		return *why = "request fields changed by the guest", -EINVAL;
	if (mb->status != EB_ST_RUNNING)
		return *why = "guest status is not running", -EINVAL;
	if (req->translation && (mb->guest_msr & EB_MSR_IR_DR) != EB_MSR_IR_DR)
		return *why = "the guest asked for translation but its MSR says IR and DR are not both on",
		       -EINVAL;
	if (mb->rep != rep)
		return *why = "guest ended another repetition than the runner expected", -EINVAL;
	if (mb->batches_done != req->batches)
		return *why = "guest ended a repetition before all its batches", -EINVAL;
	d = eb_mailbox_deltas(mb);
	for (uint32_t i = 0; i < req->batches; i++) {
		if (sum + d[i] < sum)
			return *why = "batch ticks overflow", -EINVAL;
		sum += d[i];
	}
	if (sum > mb->rep_ticks)
		return *why = "batches took longer than their repetition", -EINVAL;
	return 0;
}

void eb_mailbox_describe_failure(const struct eb_mailbox *mb, char *buf, size_t len)
{
	switch (mb->status) {
	case EB_ST_BAD_REQUEST:
		snprintf(buf, len, "guest rejected the mailbox request");
		break;
	case EB_ST_EXCEPTION:
		if (mb->error_arg == 0x300 || mb->error_arg == 0x380)
			snprintf(buf, len, "unexpected guest interrupt at vector 0x%" PRIx64 " (%s), pc 0x%"
				 PRIx64 ", address 0x%" PRIx64, mb->error_arg,
				 mb->error_arg == 0x300 ? "data storage: no page" : "data segment: no segment",
				 mb->error_pc, mb->error_addr);
		else
			snprintf(buf, len, "unexpected guest interrupt at vector 0x%" PRIx64 "%s, pc 0x%" PRIx64,
				 mb->error_arg,
				 mb->error_arg == 0x400 ? " (instruction storage)" :
				 mb->error_arg == 0x480 ? " (instruction segment)" : "", mb->error_pc);
		break;
	default:
		snprintf(buf, len, "guest failed with status %" PRIu32, mb->status);
		break;
	}
}
