/* libFuzzer target over the scrape request parser (user/otlp/prom_req.c):
 * the bytes a client sends rawtel run --prometheus. A complete head gets
 * one of the four answers, 200 only for GET or HEAD of /metrics; a head
 * complete in a prefix stays complete, with the same answer, when more
 * bytes follow (the server answers as soon as it has one). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes: ASan sees any read past the end */
	char *p = malloc(size ? size : 1);
	struct prom_req r, half;
	int done, done_half;

	if (!p)
		return 0;
	memcpy(p, data, size);
	done = prom_req_parse(p, size, &r);
	done_half = prom_req_parse(p, size / 2, &half);
	if (done != 0 && done != 1)
		abort();
	if (done && r.status != 200 && r.status != 400 && r.status != 404 && r.status != 405)
		abort();
	if (done && r.status == 200 && memcmp(p, r.head ? "HEAD /metrics" : "GET /metrics",
					      r.head ? 13 : 12))
		abort();
	if (done_half && (!done || half.status != r.status))
		abort();
	free(p);
	return 0;
}
