/* libFuzzer target: the resolver's DNS answer parser (dnsmsg_answer) on
 * any datagram never crashes, never reads out of bounds, keeps to its
 * result set and its address bound, and finds no address in anything but
 * a NOERROR answer to the query. The query is for api.example.com with
 * the datagram's own id; the type (A or AAAA) comes from the data's
 * fourth byte (RA bit), so both record sizes are reached. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "rawtel/dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t q[DNSMSG_QMAX], a[3][16];
	int n = 0, ql, ret;

	if (size < 4)
		return 0;
	ql = dnsmsg_query(q, (uint16_t)(data[0] << 8 | data[1]), "api.example.com",
			  data[3] & 0x80 ? DNSMSG_A : DNSMSG_AAAA);
	if (ql <= 0)
		abort();
	ret = dnsmsg_answer(data, size, q, (size_t)ql, a, 3, &n);
	if (ret != -ESRCH && ret != -EMSGSIZE && ret != -EBADMSG && (ret < 0 || ret > 15))
		abort();
	if (n < 0 || n > 3 || (n && ret < 0 && ret != -EBADMSG) || (n && ret > 0))
		abort();
	return 0;
}
