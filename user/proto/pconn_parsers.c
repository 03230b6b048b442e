/* The parsers the connection layer asks, by protocol id: adding a
 * protocol is one line here (its parser) and one mapping in user/agent/. */
#include "rawtel/pconn.h"

const struct proto_parser *const pconn_parsers[PROTO_N] = {
	[PROTO_HTTP1] = &proto_http1,
	[PROTO_POSTGRES] = &proto_postgres,
	[PROTO_MYSQL] = &proto_mysql,
	[PROTO_REDIS] = &proto_redis,
	[PROTO_MEMCACHED] = &proto_memcached,
	[PROTO_HTTP2] = &proto_http2,
};
