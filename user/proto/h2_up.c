/* h2c by Upgrade from HTTP/1.1 (RFC 7540 3.2), for the connection layer:
 * the 101 exchange the HTTP/1 parser reported becomes stream 1 of the
 * HTTP/2 connection that follows, and the bytes after the 101's head in
 * the same syscall (a server's SETTINGS and often the response itself)
 * are HTTP/2's. */
#include <string.h>

#include "h2_int.h"

void h2_conn_from_http1(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o,
			const struct http1_exchange *x)
{
	struct h2_upgrade u = {
		.start_ns = x->start_ns, .req_end_ns = x->req_end_ns, .method = x->method,
		.path = x->path, .authority = x->host, .user_agent = x->user_agent,
		.tracestate = x->tracestate, .tp_state = x->tp_state, .tp = x->tp,
	};

	h2_conn_upgraded(conn, id, role, o, &u);
}

/* Where HTTP/1 ends in the syscall that carried the 101: past the blank
 * line after "HTTP/1.1 101" (cap when not found: nothing follows) */
size_t h2_after_101(const uint8_t *p, size_t cap)
{
	static const char st[] = "HTTP/1.1 101";
	size_t i = 0;

	for (; i + sizeof(st) - 1 <= cap; i++)
		if (!memcmp(p + i, st, sizeof(st) - 1))
			break;
	for (; i + 4 <= cap; i++)
		if (!memcmp(p + i, "\r\n\r\n", 4))
			return i + 4;
	return cap;
}
