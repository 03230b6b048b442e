/* The http probe's user-space half (user/probes/sockcap.c, procnet.c):
 * sockets older than rawtel seeded from /proc, local addresses the kernel
 * side could not know, a process's sockets forgotten at its end, and
 * per-CPU perf buffers put back in time order. The session calls it; its
 * callbacks see sock and data records as the kernel side would make them. */
#ifndef RAWTEL_SOCKCAP_H
#define RAWTEL_SOCKCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/events.h"

/* ---- /proc parsing (procnet.c): every input is untrusted ------------- */

/* One socket of /proc/net/tcp or tcp6. */
struct procnet_sock {
	uint64_t inode;
	uint16_t family;	/* RT_AF_INET or RT_AF_INET6 */
	uint16_t lport, rport;	/* host order */
	uint8_t state;		/* TCP_ST_* */
	uint8_t ktls;		/* kernel TLS keyed: bits 1 << DATA_DIR_*
				 * (sock_diag's ULP attribute; /proc: 0) */
	uint8_t laddr[16], raddr[16];	/* IPv6 form (IPv4 ones IPv4-mapped) */
};

/* Parse one line of /proc/net/tcp (family RT_AF_INET) or tcp6: 0, or
 * -EINVAL for the header or anything malformed. */
int procnet_parse_line(const char *line, uint16_t family, struct procnet_sock *out);
/* "socket:[123]" -> 123; -EINVAL for anything else. */
int procnet_socket_inode(const char *link, uint64_t *inode);

/* The TCP sockets of a network namespace, sorted by inode. */
struct procnet_table {
	struct procnet_sock *s;
	size_t n, cap;
};
/* Read /proc/PID/net/tcp and tcp6 (PID 0: /proc/net): at most `max`
 * sockets; a missing file is no error. */
int procnet_table_read(struct procnet_table *t, uint32_t pid, size_t max);
/* Append *s unless t already holds `max` sockets: 0, or -ENOMEM. */
int procnet_table_push(struct procnet_table *t, const struct procnet_sock *s, size_t max);
/* Parse text (the content of a tcp or tcp6 file) into t; then sort. */
int procnet_table_add_text(struct procnet_table *t, const char *text, size_t len,
			   uint16_t family, size_t max);
void procnet_table_sort(struct procnet_table *t);
const struct procnet_sock *procnet_table_find(const struct procnet_table *t, uint64_t inode);
void procnet_table_free(struct procnet_table *t);

/* The same table for rawtel's own network namespace through netlink
 * sock_diag (sockdiag.c), the sockets in `states` (a mask of 1 << TCP_ST_*)
 * only: 0, or -errno (no sock_diag in this kernel: read /proc instead). */
int sockdiag_table_read(struct procnet_table *t, uint32_t states, size_t max);
/* Parse a buffer of netlink replies to a dump into t (with each socket's
 * kernel TLS directions where its attributes carry the ULP's): 1 at its
 * end (NLMSG_DONE), 0 when more is to come, -errno for the kernel's error
 * or -EPROTO for anything malformed. */
int sockdiag_parse(struct procnet_table *t, const void *buf, size_t len, size_t max);

/* The socket inode behind /proc/PID/fd/FD: 0, -ENOTSOCK, or -errno. */
int procnet_fd_inode(uint32_t pid, int fd, uint64_t *inode);

/* ---- the session side (sockcap.c) ------------------------------------ */

struct session;
struct sockcap;

/* After the programs are loaded, before they are attached: the selection
 * maps (--pid). */
int sockcap_new(struct session *s);
/* After they are attached: sockets older than rawtel, from /proc; their
 * sock records wait for the first session_consume. Returns how many. */
int sockseed_scan(struct session *s);
/* A sock or data record from the ring (or a seed): delivered through
 * deliver(ctx, rec, size), possibly later (perf buffers: in time order)
 * or changed (local address resolved), or several (a process's end). */
typedef int (*sockcap_deliver)(void *ctx, const void *rec, size_t size);
int sockcap_record(struct sockcap *c, const void *rec, size_t size, sockcap_deliver d,
		   void *ctx);
/* Records lost are found by the stream offsets of the data records (and
 * of closes): the bytes no record brought are delivered, before the next
 * record of their socket, as a data record of their own with DATA_F_GAP
 * (TOTAL bytes, none captured), for parsers to skip. A record that comes
 * after its bytes were delivered so is dropped. So far: */
struct sockcap_gaps {
	uint64_t records, bytes;	/* gap records, the bytes they stand for */
	uint64_t late;			/* records dropped, their bytes a gap */
};
void sockcap_gaps(const struct sockcap *c, struct sockcap_gaps *g);
/* Connection `conn` is none of ours (rawtel/pconn.h gave it up): the kernel
 * stops copying its payloads (sk_nocopy) until it closes. 0 or -errno. */
int sockcap_nocopy(struct sockcap *c, uint64_t conn);
/* Connections told so, and the syscalls since made without a record. */
void sockcap_nocopy_counts(const struct sockcap *c, uint64_t *conns, uint64_t *skipped);
/* Sockets established before rawtel started and first used by a process
 * that did not make them (an exec'd child, an fd passed over a UNIX
 * socket): found in /proc, and lost (gone before they could be). */
void sockcap_older_counts(const struct sockcap *c, uint64_t *found, uint64_t *lost);
/* The role of a connection whose sock record was lost, from its first
 * data record seen (of size len): a status line says who answers; without
 * bytes, who receives first is the server. SOCK_ROLE_*. */
uint8_t sockcap_role_guess(const struct ev_data *d, size_t len);
/* Records held back for ordering whose time has come (all when `all`). */
int sockcap_flush(struct sockcap *c, bool all, sockcap_deliver d, void *ctx);
void sockcap_free(struct sockcap *c);

#endif
