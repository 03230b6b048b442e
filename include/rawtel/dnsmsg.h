/* DNS messages for rawtel's own resolver (user/sink/dnsmsg.c): a query
 * for one name and type, and the answer to it checked and parsed. The
 * answer is outside bytes: every length and compression pointer is
 * bounds-checked, and a pointer must point before itself, so a pointer
 * loop ends at the 255-byte name limit. */
#ifndef RAWTEL_DNSMSG_H
#define RAWTEL_DNSMSG_H

#include <stddef.h>
#include <stdint.h>

#define DNSMSG_QMAX 272		/* header, a 255-byte name, type and class */
#define DNSMSG_A 1
#define DNSMSG_AAAA 28

/* Write the query for NAME (text, no trailing dot; lower-cased on the
 * wire) of QTYPE with ID into q (DNSMSG_QMAX bytes). Returns its length,
 * or -EINVAL for an empty label, a label over 63 bytes or a name over
 * 253. */
int dnsmsg_query(uint8_t *q, uint16_t id, const char *name, uint16_t qtype);

/* Check the datagram m (len bytes) against the query q (qlen bytes), then
 * collect the addresses (4 bytes for A, 16 for AAAA, each in a 16-byte
 * slot of addrs) for the question's name or the end of the CNAME chain
 * that starts there, at most max; *n counts them. Returns:
 *   -ESRCH     not the answer to q (another id or question, not a
 *              response): ignore it and keep waiting
 *   -EMSGSIZE  truncated (TC)
 *   -EBADMSG   the answer to q, but malformed
 *   1..15      the server's RCODE (2 SERVFAIL, 3 NXDOMAIN, ...)
 *   0          NOERROR; *n may be 0 (no data of that type) */
int dnsmsg_answer(const uint8_t *m, size_t len, const uint8_t *q, size_t qlen,
		  uint8_t (*addrs)[16], int max, int *n);

#endif
