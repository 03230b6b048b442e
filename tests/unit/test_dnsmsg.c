/* rawtel's DNS messages (user/sink/dnsmsg.c) on exact bytes: the query it
 * sends, and answers it must take (A, AAAA, a CNAME chain with a decoy,
 * the question echoed in another case) or refuse: another id or question
 * or not a response (ignored: a spoof or a late answer), TC, NXDOMAIN and
 * SERVFAIL, compression pointer loops, and every cut-off prefix. */
#include <errno.h>
#include <string.h>

#include "rawtel/dnsmsg.h"
#include "t.h"

/* header: id 0x1234, flags, one question, `an` answers */
#define H(f1, f2, an) 0x12, 0x34, f1, f2, 0, 1, 0, an, 0, 0, 0, 0
/* api.example.com at offset 12 (example.com at 16, com at 24) */
#define QN 3, 'a', 'p', 'i', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0
#define QA QN, 0, 1, 0, 1	/* type A, class IN; answers start at 33 */
#define QAAAA QN, 0, 28, 0, 1
#define TTL 0, 0, 0, 60

static const uint8_t query_a[] = { H(1, 0, 0), QA };

static int answer(const uint8_t *m, size_t len, uint16_t qtype, uint8_t (*a)[16], int max, int *n)
{
	uint8_t q[DNSMSG_QMAX];
	int ql = dnsmsg_query(q, 0x1234, "api.example.com", qtype);

	T_ASSERT(ql > 0);
	*n = 0;
	return dnsmsg_answer(m, len, q, (size_t)ql, a, max, n);
}

static void test_query(void)
{
	uint8_t q[DNSMSG_QMAX];
	char name[300];

	T_EQ_INT(dnsmsg_query(q, 0x1234, "API.Example.com", DNSMSG_A), (int)sizeof(query_a));
	T_CHECK(!memcmp(q, query_a, sizeof(query_a)), "query bytes differ");
	T_EQ_INT(dnsmsg_query(q, 1, "a..b", DNSMSG_A), -EINVAL);
	T_EQ_INT(dnsmsg_query(q, 1, "", DNSMSG_A), -EINVAL);
	T_EQ_INT(dnsmsg_query(q, 1, "a.", DNSMSG_A), -EINVAL);
	memset(name, 'x', 64);
	name[64] = 0;
	T_EQ_INT(dnsmsg_query(q, 1, name, DNSMSG_A), -EINVAL);	/* a 64-byte label */
	name[63] = 0;
	T_EQ_INT(dnsmsg_query(q, 1, name, DNSMSG_A), 12 + 65 + 4);
	for (int i = 0; i < 253; i++)	/* x.x.x...: 253 bytes, the longest name */
		name[i] = i % 2 ? '.' : 'x';
	name[253] = 0;
	T_EQ_INT(dnsmsg_query(q, 1, name, DNSMSG_A), 12 + 255 + 4);
	name[253] = '.';
	name[254] = 'x';
	name[255] = 0;
	T_EQ_INT(dnsmsg_query(q, 1, name, DNSMSG_A), -EINVAL);
}

/* m answers qtype with exactly one address, the first wlen bytes want */
static void one_addr(const uint8_t *m, size_t len, uint16_t qtype, const void *want, size_t wlen)
{
	uint8_t a[8][16];
	int n;

	T_EQ_INT(answer(m, len, qtype, a, 8, &n), 0);
	T_EQ_INT(n, 1);
	T_CHECK(!memcmp(a[0], want, wlen), "address");
}

static void test_a(void)
{
	/* the question echoed upper-case: names compare without case */
	static const uint8_t m[] = { H(0x81, 0x80, 1), 3, 'A', 'P', 'I', 7, 'E', 'X', 'A', 'M', 'P',
		'L', 'E', 3, 'C', 'O', 'M', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, TTL, 0, 4, 10, 0, 0, 5 };
	uint8_t a[8][16];
	int n;

	one_addr(m, sizeof(m), DNSMSG_A, "\x0a\x00\x00\x05", 4);
	/* every cut-off prefix is refused without an address */
	for (size_t l = 0; l < sizeof(m); l++) {
		int r = answer(m, l, DNSMSG_A, a, 8, &n);

		if (r >= 0 || n)
			T_FAILF("prefix %zu: %d, %d addresses", l, r, n);
	}
}

static void test_aaaa(void)
{
	static const uint8_t m[] = { H(0x81, 0x80, 1), QAAAA,
		0xc0, 0x0c, 0, 28, 0, 1, TTL, 0, 16,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	uint8_t a[8][16];
	int n;

	one_addr(m, sizeof(m), DNSMSG_AAAA, m + 45, 16);
	/* an AAAA answer is not the answer to the A query */
	T_EQ_INT(answer(m, sizeof(m), DNSMSG_A, a, 8, &n), -ESRCH);
}

static void test_cname_chain(void)
{
	static const uint8_t m[] = { H(0x81, 0x80, 4), QA,
		/* 33: example.com A 6.6.6.6, not on the chain */
		0xc0, 0x10, 0, 1, 0, 1, TTL, 0, 4, 6, 6, 6, 6,
		/* 49: api.example.com CNAME edge.example.com (rdata at 61) */
		0xc0, 0x0c, 0, 5, 0, 1, TTL, 0, 7, 4, 'e', 'd', 'g', 'e', 0xc0, 0x10,
		/* 68: edge.example.com CNAME cdn.net (rdata at 80) */
		0xc0, 0x3d, 0, 5, 0, 1, TTL, 0, 9, 3, 'c', 'd', 'n', 3, 'n', 'e', 't', 0,
		/* 89: cdn.net A 192.0.2.7 */
		0xc0, 0x50, 0, 1, 0, 1, TTL, 0, 4, 192, 0, 2, 7 };

	one_addr(m, sizeof(m), DNSMSG_A, "\xc0\x00\x02\x07", 4);
}

static void test_pointer_loops(void)
{
	/* an owner name pointing at itself */
	static const uint8_t self[] = { H(0x81, 0x80, 1), QA,
		0xc0, 0x21, 0, 1, 0, 1, TTL, 0, 4, 1, 2, 3, 4 };
	/* CNAME rdata at 45: label "x", then a pointer back to it: a cycle
	 * that only the 255-byte name bound ends */
	static const uint8_t cycle[] = { H(0x81, 0x80, 1), QA,
		0xc0, 0x0c, 0, 5, 0, 1, TTL, 0, 4, 1, 'x', 0xc0, 0x2d };
	/* a pointer forward, past the end */
	static const uint8_t fwd[] = { H(0x81, 0x80, 1), QA,
		0xc0, 0x0c, 0, 5, 0, 1, TTL, 0, 2, 0xc1, 0x00 };
	/* the question itself a pointer to the header */
	static const uint8_t qptr[] = { H(0x81, 0x80, 0), 0xc0, 0x00, 0, 1, 0, 1 };
	uint8_t a[8][16];
	int n;

	T_EQ_INT(answer(self, sizeof(self), DNSMSG_A, a, 8, &n), -EBADMSG);
	T_EQ_INT(answer(cycle, sizeof(cycle), DNSMSG_A, a, 8, &n), -EBADMSG);
	T_EQ_INT(answer(fwd, sizeof(fwd), DNSMSG_A, a, 8, &n), -EBADMSG);
	T_EQ_INT(answer(qptr, sizeof(qptr), DNSMSG_A, a, 8, &n), -ESRCH);
}

static void test_refused(void)
{
	static const uint8_t tc[] = { H(0x83, 0x80, 0), QA };
	static const uint8_t nx[] = { H(0x81, 0x83, 0), QA };
	static const uint8_t sf[] = { H(0x81, 0x82, 0), QA };
	static const uint8_t not_resp[] = { H(0x01, 0x00, 0), QA };
	static const uint8_t wrong_id[] = { 0x12, 0x35, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, QA,
		0xc0, 0x0c, 0, 1, 0, 1, TTL, 0, 4, 6, 6, 6, 6 };
	/* the answer to another name (apj.example.com) */
	static const uint8_t wrong_q[] = { H(0x81, 0x80, 1), 3, 'a', 'p', 'j', 7, 'e', 'x', 'a', 'm',
		'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, TTL, 0, 4, 6, 6, 6, 6 };
	/* an A record of 5 bytes */
	static const uint8_t bad_len[] = { H(0x81, 0x80, 1), QA,
		0xc0, 0x0c, 0, 1, 0, 1, TTL, 0, 5, 1, 2, 3, 4, 5 };
	uint8_t a[8][16];
	int n;

	T_EQ_INT(answer(tc, sizeof(tc), DNSMSG_A, a, 8, &n), -EMSGSIZE);
	T_EQ_INT(answer(nx, sizeof(nx), DNSMSG_A, a, 8, &n), 3);
	T_EQ_INT(answer(sf, sizeof(sf), DNSMSG_A, a, 8, &n), 2);
	T_EQ_INT(answer(not_resp, sizeof(not_resp), DNSMSG_A, a, 8, &n), -ESRCH);
	T_EQ_INT(answer(wrong_id, sizeof(wrong_id), DNSMSG_A, a, 8, &n), -ESRCH);
	T_EQ_INT(answer(wrong_q, sizeof(wrong_q), DNSMSG_A, a, 8, &n), -ESRCH);
	T_EQ_INT(n, 0);
	T_EQ_INT(answer(bad_len, sizeof(bad_len), DNSMSG_A, a, 8, &n), -EBADMSG);
}

static void test_max(void)
{
	uint8_t m[33 + 10 * 16] = { H(0x81, 0x80, 10), QA }, a[8][16];
	int n;

	for (int i = 0; i < 10; i++) {
		static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, TTL, 0, 4, 10, 0, 0 };

		memcpy(m + 33 + 16 * i, rr, sizeof(rr));
		m[33 + 16 * i + 15] = (uint8_t)i;
	}
	T_EQ_INT(answer(m, sizeof(m), DNSMSG_A, a, 8, &n), 0);
	T_EQ_INT(n, 8);
	T_EQ_INT(a[7][3], 7);
}

int main(void)
{
	T_RUN(test_query);
	T_RUN(test_a);
	T_RUN(test_aaaa);
	T_RUN(test_cname_chain);
	T_RUN(test_pointer_loops);
	T_RUN(test_refused);
	T_RUN(test_max);
	return t_done();
}
