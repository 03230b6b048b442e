/* Inside the http probe's session side (sockcap.c, sockseed.c). */
#ifndef RAWTEL_SOCKCAP_INT_H
#define RAWTEL_SOCKCAP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawtel/idtab.h"
#include "rawtel/sockcap.h"
#include "rawtel/sockmap.h"

#define SC_CONNS (2 * SKF_MAX)		/* slots of the table: power of two */
#define SC_LCACHE 64
#define SC_TAB_AGE_NS 50000000ULL	/* a table younger is not read again */
#define SC_PEER_AGE_NS 10000000ULL	/* the same for a peer's address */
#define SC_HELD_MAX 65536
#define SC_HOLD_NS 5000000ULL		/* perf buffers: a record is in its
					 * CPU's buffer microseconds after its
					 * time; 5 ms is ample */
#define SC_SEED_FDS 65536		/* per process */

struct sc_conn {
	uint64_t key;			/* pid << 32 | fd (the idtab key) */
	uint64_t conn;
	uint8_t role;
	uint64_t next[2];		/* by DATA_DIR_*: the stream offset the
					 * next data record should start at */
	bool tls;			/* TLS plaintext came (DATA_F_TLS): the
					 * ciphertext its calls read and wrote
					 * made no records, and is no gap */
	uint8_t ktls;			/* bits 1 << DATA_DIR_*: kernel TLS
					 * (SOCK_K_KTLS): that direction's
					 * gaps are plaintext's (DATA_F_KTLS) */
};

struct sc_held {
	uint64_t ts, seq;
	void *rec;
	size_t size;
};

struct sockcap {
	struct session *s;
	int fds_fd, gate_fd, procs_fd, listen_fd, sel_fd;
	int nocopy_fd, nocopy_n_fd;	/* sk_nocopy, sk_nocopy_n */
	uint64_t nocopy;		/* connections told (sockcap_nocopy) */
	struct idtab conns;		/* struct sc_conn by pid << 32 | fd */
	struct {
		uint64_t inode;
		uint32_t pid;
		int32_t lfd;
		uint16_t family, port;
		uint8_t addr[16];
	} lc[SC_LCACHE];
	unsigned lc_next;
	/* the last /proc/PID/net/tcp{,6} read */
	struct procnet_table tab;
	uint64_t tab_ns;
	uint32_t tab_ns_pid;
	/* connections found not to be TCP: their data records are dropped */
	uint64_t dropped[64];
	unsigned n_dropped;
	bool reorder;
	struct sc_held *held;
	size_t n_held, cap_held;
	uint64_t seq, next_id;
	uint64_t gaps, gap_bytes, late;	/* sockcap_gaps */
	uint64_t older_found, older_lost;	/* sockcap_older_counts */
};

/* The table of the process's namespace holding `inode` (the last one read
 * if it has it, else read again, not more often than every `age` ns). */
const struct procnet_sock *sockcap_find_sock(struct sockcap *c, uint32_t pid, uint64_t inode,
					      uint64_t age);
/* Whether fd `key` still holds connection `conn` in the kernel's sk_fds */
bool sockcap_fd_holds(const struct sockcap *c, uint64_t key, uint64_t conn);
/* A SOCK_K_INHERIT record of a socket established before rawtel started
 * (no addresses: kern/sock.S BORN_BEFORE) completed from /proc: its
 * addresses and role. -ESRCH: the fd or the socket is gone; counted. */
int sockseed_inherit(struct sockcap *c, struct ev_sock *e, uint64_t key);
/* Keep a copy of a record for the next sockcap_flush. */
int sockcap_hold(struct sockcap *c, const void *rec, size_t size);
/* Now, on the records' clock. */
uint64_t sockcap_now_ns(void);

#endif
