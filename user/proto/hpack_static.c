/* The HPACK static table (RFC 7541 Appendix A). */
#include "rawtel/hpack.h"

static const char *const hpack_static[HPACK_STATIC_N][2] = {
	{ ":authority", "" }, { ":method", "GET" }, { ":method", "POST" },
	{ ":path", "/" }, { ":path", "/index.html" }, { ":scheme", "http" },
	{ ":scheme", "https" }, { ":status", "200" }, { ":status", "204" },
	{ ":status", "206" }, { ":status", "304" }, { ":status", "400" },
	{ ":status", "404" }, { ":status", "500" }, { "accept-charset", "" },
	{ "accept-encoding", "gzip, deflate" }, { "accept-language", "" },
	{ "accept-ranges", "" }, { "accept", "" }, { "access-control-allow-origin", "" },
	{ "age", "" }, { "allow", "" }, { "authorization", "" },
	{ "cache-control", "" }, { "content-disposition", "" }, { "content-encoding", "" },
	{ "content-language", "" }, { "content-length", "" }, { "content-location", "" },
	{ "content-range", "" }, { "content-type", "" }, { "cookie", "" },
	{ "date", "" }, { "etag", "" }, { "expect", "" },
	{ "expires", "" }, { "from", "" }, { "host", "" },
	{ "if-match", "" }, { "if-modified-since", "" }, { "if-none-match", "" },
	{ "if-range", "" }, { "if-unmodified-since", "" }, { "last-modified", "" },
	{ "link", "" }, { "location", "" }, { "max-forwards", "" },
	{ "proxy-authenticate", "" }, { "proxy-authorization", "" }, { "range", "" },
	{ "referer", "" }, { "refresh", "" }, { "retry-after", "" },
	{ "server", "" }, { "set-cookie", "" }, { "strict-transport-security", "" },
	{ "transfer-encoding", "" }, { "user-agent", "" }, { "vary", "" },
	{ "via", "" }, { "www-authenticate", "" },
};

const char *hpack_static_name(unsigned i)
{
	return i >= 1 && i <= HPACK_STATIC_N ? hpack_static[i - 1][0] : NULL;
}

const char *hpack_static_value(unsigned i)
{
	return i >= 1 && i <= HPACK_STATIC_N ? hpack_static[i - 1][1] : NULL;
}
