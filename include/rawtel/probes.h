/* The probes `rawtel trace` offers (user/probes/): which kern/ units and
 * programs each needs, and how its records are printed. */
#ifndef RAWTEL_PROBES_H
#define RAWTEL_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rawtel/proctab.h"

struct probe_prog {
	const char *name;	/* .prog in kern/ */
	bool optional;		/* its tracepoint may be missing (openat2 ...) */
	bool conditional;	/* kern/ may leave it out (.if on a kernel
				 * feature): then it is not attached */
};

/* A program attached to a tracepoint besides its own (probe_also, ended
 * by a NULL prog) */
struct probe_also {
	const char *prog, *tp;
};
extern const struct probe_also probe_also[];

/* A function a uprobe probe attaches to: the file (a path rawtel can open,
 * possibly through /proc/PID/root), the offset, which programs. */
#define UTARGET_PATH_MAX 512
struct uprobe_target {
	char path[UTARGET_PATH_MAX];
	char func[128];		/* symbol, as printed */
	uint64_t offset;
	const char *enter, *ret;	/* programs in kern/ (ret NULL: none) */
	bool found;		/* discovered (a running process's libc), not asked
				 * for: skipped if it is gone by the time of attach */
	bool attached;		/* set by the session once its entry probe is on */
};
#define UTARGETS_MAX 128

struct session_opts;
struct sockcap;
struct db_exchange;

struct probe_out {
	FILE *f;
	const struct uprobe_target *targets;	/* by cookie, for uprobe */
	int n_targets;
	bool json;
	bool multi;		/* several probes: one combined layout */
	int64_t wall_off_ns;	/* event clock -> Unix time */
	const struct proctab *seed;	/* processes older than rawtel */
	bool tcp_bytes;		/* tcp: the byte-counting programs are attached */
	bool raw;		/* http: the sock and data records themselves */
	void *http;		/* http and the DB probes: their printer's state
				 * (user/probes/htline.c) */
	struct sockcap *sockcap;	/* where the printer says which
				 * connections need no more payloads */
	bool tls_lines;		/* the tls probe: its lines (tlsline.c) */
	bool tls_data;		/* ... with the plaintext (--data) */
};

struct probe {
	const char *name;
	const char *summary;
	uint16_t ev_type;
	const char *units[3];
	const struct probe_prog *progs;	/* ended by a NULL name */
	void (*header)(const struct probe_out *o);
	/* print one record (already checked to be ev_min..ev_max bytes) */
	void (*print)(const struct probe_out *o, const void *rec, size_t len);
	size_t ev_min, ev_max;
	/* a second record type some probes emit (http: EV_DATA after
	 * EV_SOCK), with its own bounds; 0 when none */
	uint16_t ev_type2;
	size_t ev_min2, ev_max2;
	/* probes whose printer keeps state (http): set up before the first
	 * record, told the time passes (CLOCK of the records), and ended
	 * (what it holds is printed) */
	int (*start)(struct probe_out *o);
	void (*tick)(const struct probe_out *o, uint64_t now_ns);
	void (*finish)(struct probe_out *o);
	/* uprobe probes: the functions to attach to, from the options;
	 * returns how many (at most max) or -errno with the message set */
	int (*targets)(const struct session_opts *o, struct uprobe_target *t, int max);
};

extern const struct probe probes[];
extern const size_t n_probes;

const struct probe *probe_find(const char *name);
const struct probe *probe_by_type(uint16_t type);
/* Whether the probe emits records of this type */
bool probe_has_type(const struct probe *p, uint16_t type);
/* The probe whose record this is, if its header is sound and its size
 * within the type's bounds; else NULL. */
const struct probe *probe_of_record(const void *rec, size_t len);
/* Print the column header for the selected probes (text mode). */
void probe_print_header(const struct probe_out *o, const struct probe *only);

/* Decoding shared by the printers and the agent (user/probes/decode.c). */
#include "rawtel/events.h"

/* An exec record's argv: captured by the kernel side, or read from
 * /proc/PID/cmdline when the kernel could not (the process may be gone). */
struct exec_args {
	const char *data;	/* NUL-separated strings */
	size_t dlen;
	unsigned argc;
	bool truncated;
	const char *source;	/* "entry", "exit", "proc", "unavailable" */
	char buf[EXEC_DATA_MAX];
};
void probe_exec_args(const struct ev_exec *e, size_t len, struct exec_args *out);
/* Next string of args at *off, or NULL at the end. */
const char *probe_exec_arg_next(const struct exec_args *a, size_t *off, size_t *len);

/* The parent: what the kernel side knew, else /proc now, else what
 * start-up saw; 0 when unknown. */
uint32_t probe_ppid(const struct proctab *seed, uint32_t pid, uint32_t kernel_ppid);

struct exit_info {
	uint32_t ppid;
	bool has_code, has_signal, has_start;
	uint32_t code;		/* exit status or signal number */
	uint64_t start_ns;	/* event clock */
	uint64_t lifetime_ns;	/* when has_start */
};
void probe_exit_info(const struct ev_exit *e, const struct proctab *seed,
		     struct exit_info *out);

/* Printers of tcp and retrans (user/probes/tcp.c). */
void tcp_header(const struct probe_out *o);
void tcp_print(const struct probe_out *o, const void *rec, size_t len);
void tcp_retrans_header(const struct probe_out *o);
void tcp_retrans_print(const struct probe_out *o, const void *rec, size_t len);
extern const char *const retrans_kinds[4];	/* "retrans", "synack", "rst_sent", "rst_recv" */

/* Target lists (user/probes/utargets.c). */
int utargets_uprobe(const struct session_opts *o, struct uprobe_target *t, int max);
int utargets_dns(const struct session_opts *o, struct uprobe_target *t, int max);
/* The TLS libraries' read and write functions (user/probes/tls_targets.c) */
int utargets_tls(const struct session_opts *o, struct uprobe_target *t, int max);
/* Call FN with the path (through /proc/PID/root) of every TLS library
 * file process PID maps, until one returns nonzero; that, or 0 */
int utargets_tls_maps(int pid, int (*fn)(void *ctx, const char *path), void *ctx);
/* The TLS functions file PATH defines, to T (at most MAX; E2BIG past
 * that); with EXE, none unless it defines SSL_read itself (linked in
 * statically: node): how many, 0 also when it cannot be read */
int utargets_tls_one(const char *path, bool exe, struct uprobe_target *t, int max);
/* Of the TLS library files among N targets: how many had their probes
 * attached, how many were found but not (gone before attach) */
void utargets_tls_libs(const struct uprobe_target *t, int n, unsigned *attached, unsigned *failed);
/* A dns record's outcome: "0", an EAI_* name, or "NULL"; *rc 0 on success. */
const char *probe_dns_result(const struct ev_dns *e, int *rc);
/* EAI_* name of a getaddrinfo result (glibc and musl agree). */
const char *probe_eai_name(int rc);

/* tcp and retrans records (user/probes/tcpdec.c). */
/* "ESTABLISHED", ...; "UNKNOWN" */
const char *tcp_state_name(unsigned st);
/* The states in a set (1 << TCP_ST_*) in the order a connection goes
 * through them: the next one from *pos (start at 0), or -1 at the end. */
int tcp_states_next(uint16_t bits, int *pos);
/* Those names joined by sep */
const char *tcp_states_str(uint16_t bits, char sep, char *buf, size_t size);
/* A record's address (16 bytes, IPv4 ones IPv4-mapped) as text: IPv4 for
 * a mapped one. "?" when the family is unknown. buf: 46 bytes hold any. */
const char *tcp_addr_str(uint16_t family, const uint8_t a[16], char *buf, size_t size);
/* A child socket the kernel made and freed at once for a connection
 * another socket carries (a lost race, kern-side): not a connection of its
 * own. The printers and the agent leave it out. */
bool tcp_lost_child(const struct ev_tcp *e);
/* How a connection ended when not in order (NULL when it did, or for a
 * lost child): connection_refused, handshake_failed, connection_reset,
 * aborted. */
const char *tcp_close_error(const struct ev_tcp *e);
/* Which side opened the connection: TCP_DIR_OUT (this host is the client)
 * or TCP_DIR_IN, from what the kernel side saw, else guessed from the
 * ports (tcp_guess_dir with this host's ephemeral range). */
int tcp_dir(int dir, uint16_t lport, uint16_t rport);
int tcp_guess_dir(uint16_t lport, uint16_t rport, uint32_t eph_lo, uint32_t eph_hi);
/* The running kernel's name for a reset reason (enum sk_rst_reason), read
 * from tcp/tcp_send_reset's print format; NULL when unknown. */
const char *tcp_reset_reason(uint32_t code);
/* Parse a format file's text for those names (exposed for tests). */
void tcp_reasons_parse(const char *text);
extern const char *const tcp_pid_how[4];	/* "none", "connect", "io", "close" */

/* The http probe's printers (user/probes/htline.c). */
int htline_start_http(struct probe_out *o);
int htline_start_postgres(struct probe_out *o);
int htline_start_mysql(struct probe_out *o);
int htline_start_redis(struct probe_out *o);
int htline_start_memcached(struct probe_out *o);
int htline_start_tls(struct probe_out *o);
void htline_header(const struct probe_out *o);
void htline_print(const struct probe_out *o, const void *rec, size_t len);
void htline_tick(const struct probe_out *o, uint64_t now_ns);
void htline_finish(struct probe_out *o);
/* "addr:port" of a sock record's local or remote end, "-" when unknown */
const char *htline_addr(const struct ev_sock *s, bool local, char *buf, size_t size);
/* The tls probe's lines (user/probes/tlsline.c): a TLS call's plaintext
 * record (s: its connection's sock record, NULL when unknown or unbound;
 * cap its captured bytes), and a handshake's facts, which are also kept
 * for the calls' lines (their server name) whether or not printed. */
struct tls_facts;
void tlsline_header(const struct probe_out *o);
void tlsline_call(const struct probe_out *o, const struct ev_sock *s, const struct ev_data *d,
		  size_t cap, const char *comm);
void tlsline_handshake(const struct probe_out *o, const struct ev_sock *s, uint64_t conn,
		       const struct tls_facts *f);
/* A process's name from /proc (a few remembered): "?" when gone */
void tlsline_comm(uint32_t pid, char comm[17]);
/* A database operation's line (user/probes/dbline.c); s: its connection's
 * sock record, NULL when unknown. */
void dbline_header(const struct probe_out *o);
void dbline_print(const struct probe_out *o, const struct ev_sock *s,
		  const struct db_exchange *x);

/* Shared formatting helpers (user/probes/pfmt.c) */
void pfmt_time(const struct probe_out *o, uint64_t ts, char *buf, size_t size);
void pfmt_json_str(FILE *f, const char *s, size_t max);
void pfmt_comm(char dst[17], const char src[16]);
/* the text layout: "TIME  [EVENT] PID  COMM  " prefix */
void pfmt_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		 uint32_t pid, const char *comm);
void pfmt_json_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		      uint32_t pid, uint32_t tid, const char *comm);

/* 32-bit processes running on this 64-bit kernel, which the syscall
 * probes cannot see (user/probes/compat.c): how many, and " PID (COMM)"
 * for the first eight in buf. compat_warn says so on stderr in one line
 * when there are any. */
int compat_unseen(char *buf, size_t size);
void compat_warn(void);
/* One line on stderr for an exec record flagged EXEC_F_COMPAT: the 32-bit
 * program it started is seen by exec and open only. */
void compat_exec_note(uint32_t pid, const char *comm);

#endif
