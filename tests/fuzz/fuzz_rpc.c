/* libFuzzer target: the collector-response readers (google.rpc.Status and
 * partial_success, protobuf and JSON) stay within the body, terminate, and
 * only ever hand printable ASCII to the log. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/sink_parts.h"

static void check_text(const char *m, size_t cap)
{
	size_t n = strnlen(m, cap);

	if (n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if (m[i] < 0x20 || m[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[48];
	int64_t rej;

	if (size < 1)
		return 0;
	int json = data[0] & 1, sig = (data[0] >> 1) % SINK_NSIG;
	/* a copy of exactly the body's size so reads past it are caught */
	uint8_t *body = malloc(size - 1 ? size - 1 : 1);

	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	if (rpc_status_message(body, size - 1, json, msg, sizeof(msg)) == 0)
		check_text(msg, sizeof(msg));
	int r = rpc_partial_success(body, size - 1, json, sig, &rej, msg, sizeof(msg));

	if (r == 1)
		check_text(msg, sizeof(msg));
	else if (r != 0 && r != -EBADMSG)
		abort();
	free(body);
	return 0;
}
