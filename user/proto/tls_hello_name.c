/* Names of TLS versions and cipher suites, as tls.protocol.version and
 * tls.cipher want them (the IANA registry's names). The suites are the
 * ones today's libraries offer by default; each name is made from its key
 * exchange and its cipher+hash parts, which keeps the table a few bytes a
 * suite. Any other suite is its number in hex: never a wrong name. */
#include <stdio.h>
#include <string.h>

#include "rawtel/fmt.h"
#include "rawtel/tls_hello.h"

const char *tls_version_str(uint16_t v)
{
	switch (v) {
	case 0x0304: return "1.3";
	case 0x0303: return "1.2";
	case 0x0302: return "1.1";
	case 0x0301: return "1.0";
	case 0x0300: return "3.0";
	default: return NULL;
	}
}

static const char *const kx[] = { NULL, "RSA", "ECDHE_RSA", "ECDHE_ECDSA", "DHE_RSA" };
static const char *const bulk[] = {
	"AES_128_GCM_SHA256", "AES_256_GCM_SHA384", "CHACHA20_POLY1305_SHA256",
	"AES_128_CCM_SHA256", "AES_128_CCM_8_SHA256", "AES_128_CBC_SHA", "AES_256_CBC_SHA",
	"AES_128_CBC_SHA256", "AES_256_CBC_SHA384", "AES_256_CBC_SHA256", "3DES_EDE_CBC_SHA",
};

/* suite number, key exchange (kx[]), cipher and hash (bulk[]) */
static const struct { uint16_t id; uint8_t kx, bulk; } suites[] = {
	{ 0x1301, 0, 0 }, { 0x1302, 0, 1 }, { 0x1303, 0, 2 }, { 0x1304, 0, 3 }, { 0x1305, 0, 4 },
	{ 0xc02b, 3, 0 }, { 0xc02c, 3, 1 }, { 0xc02f, 2, 0 }, { 0xc030, 2, 1 },
	{ 0xcca8, 2, 2 }, { 0xcca9, 3, 2 }, { 0xccaa, 4, 2 },
	{ 0xc009, 3, 5 }, { 0xc00a, 3, 6 }, { 0xc013, 2, 5 }, { 0xc014, 2, 6 },
	{ 0xc023, 3, 7 }, { 0xc024, 3, 8 }, { 0xc027, 2, 7 }, { 0xc028, 2, 8 },
	{ 0x009e, 4, 0 }, { 0x009f, 4, 1 }, { 0x009c, 1, 0 }, { 0x009d, 1, 1 },
	{ 0x002f, 1, 5 }, { 0x0035, 1, 6 }, { 0x003c, 1, 7 }, { 0x003d, 1, 9 },
	{ 0x000a, 1, 10 },
};

const char *tls_cipher_str(uint16_t suite, char buf[TLS_CIPHER_STR])
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		const char *k = kx[suites[i].kx];

		if (suites[i].id != suite)
			continue;
		fmt_snprintf(buf, TLS_CIPHER_STR, "TLS_%s%s%s", k ? k : "", k ? "_WITH_" : "",
			 bulk[suites[i].bulk]);
		return buf;
	}
	/* "0x" and four upper-case hex digits, as IANA's registry writes them */
	buf[0] = '0', buf[1] = 'x', buf[6] = 0;
	for (int i = 0; i < 4; i++)
		buf[2 + i] = "0123456789ABCDEF"[suite >> (12 - 4 * i) & 0xf];
	return buf;
}
