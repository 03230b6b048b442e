/* The HPACK static table (RFC 7541 Appendix A): every entry's name and
 * value, NUL-terminated, one after the other in index order, and their
 * offsets and lengths worked out once (a lookup per header field then
 * measures nothing; a table of pointers would also be larger). */
#include <string.h>

#include "hpack_int.h"

/* One literal per name and per value: an escape never runs into the next
 * literal ("\0" "200" is not "\0200") */
static const char text[] =
	":authority\0" "\0" ":method\0" "GET\0" ":method\0" "POST\0" ":path\0" "/\0"
	":path\0" "/index.html\0" ":scheme\0" "http\0" ":scheme\0" "https\0"
	":status\0" "200\0" ":status\0" "204\0" ":status\0" "206\0" ":status\0" "304\0"
	":status\0" "400\0" ":status\0" "404\0" ":status\0" "500\0" "accept-charset\0" "\0"
	"accept-encoding\0" "gzip, deflate\0" "accept-language\0" "\0" "accept-ranges\0" "\0"
	"accept\0" "\0" "access-control-allow-origin\0" "\0" "age\0" "\0" "allow\0" "\0"
	"authorization\0" "\0" "cache-control\0" "\0" "content-disposition\0" "\0"
	"content-encoding\0" "\0" "content-language\0" "\0" "content-length\0" "\0"
	"content-location\0" "\0" "content-range\0" "\0" "content-type\0" "\0" "cookie\0" "\0"
	"date\0" "\0" "etag\0" "\0" "expect\0" "\0" "expires\0" "\0" "from\0" "\0" "host\0" "\0"
	"if-match\0" "\0" "if-modified-since\0" "\0" "if-none-match\0" "\0" "if-range\0" "\0"
	"if-unmodified-since\0" "\0" "last-modified\0" "\0" "link\0" "\0" "location\0" "\0"
	"max-forwards\0" "\0" "proxy-authenticate\0" "\0" "proxy-authorization\0" "\0"
	"range\0" "\0" "referer\0" "\0" "refresh\0" "\0" "retry-after\0" "\0" "server\0" "\0"
	"set-cookie\0" "\0" "strict-transport-security\0" "\0" "transfer-encoding\0" "\0"
	"user-agent\0" "\0" "vary\0" "\0" "via\0" "\0" "www-authenticate\0" "\0";

static struct {
	uint16_t off;		/* of the name in text; 0: not indexed yet */
	uint8_t nlen, vlen;
} ent[HPACK_STATIC_N + 1];

static void index_text(void)
{
	const char *p = text;

	for (unsigned i = 1; i <= HPACK_STATIC_N; i++) {
		ent[i].off = (uint16_t)(p - text);
		ent[i].nlen = (uint8_t)strlen(p);
		p += ent[i].nlen + 1;
		ent[i].vlen = (uint8_t)strlen(p);
		p += ent[i].vlen + 1;
	}
}

int hpack_static_get(unsigned i, struct hpack_field *f)
{
	if (i < 1 || i > HPACK_STATIC_N)
		return -1;
	if (!ent[HPACK_STATIC_N].off)
		index_text();
	f->name = text + ent[i].off;
	f->nlen = ent[i].nlen;
	f->value = f->name + f->nlen + 1;
	f->vlen = f->vlen_wire = ent[i].vlen;
	return 0;
}
