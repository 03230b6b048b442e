/* Database and cache operations in rawtel run (user/agent/adb_*.c): one
 * struct db_exchange (rawtel/db.h), reported by a PostgreSQL, MySQL,
 * Redis or Memcached parser, plus what the connection layer knows of its
 * connection, becomes one span and one point of the
 * db.{client,server}.operation.duration histogram, per the database
 * semantic conventions.
 *
 * The span:
 *   - kind CLIENT when the observed process made the call, SERVER when
 *     it is the database server itself (its view of the operation, with
 *     the same attributes);
 *   - name: db.query.summary, else "{db.operation.name} {target}", else
 *     "{target}", else db.system.name; target = db.collection.name, else
 *     db.namespace, else "{server.address}:{server.port}";
 *   - db.system.name: postgresql, mysql (mariadb when the parser flagged
 *     the server's greeting as MariaDB's: DB_X_MARIADB), redis, memcached;
 *   - db.namespace as the parser knew it; db.operation.name,
 *     db.collection.name and db.query.summary from the statement text
 *     (rawtel/sql.h: only when the text makes them unambiguous) or, for
 *     Redis and Memcached and for SQL operations without text (MySQL
 *     COM_PING...), the parser's command name. When the exchange stands
 *     for several operations (db.operation.batch.size, when above 1), the
 *     operation name and summary are "BATCH {op}" and "BATCH {summary}"
 *     if one statement's text says them, else "BATCH";
 *   - db.query.text: SQL with every literal `?` (IN lists collapsed),
 *     command lines with every argument `?`; as sent only when the user
 *     asked (adb_conn.raw_text, --capture-query-text). A prepared
 *     statement's text too: its placeholders stay, and a literal written
 *     into it is still a literal. Empty text: none;
 *   - db.response.status_code: the parser's code (SQLSTATE, MySQL error
 *     number, Redis error prefix, Memcached error word) whenever there is
 *     one; error.type the same code when the operation failed: always for
 *     MySQL, Redis and Memcached, for PostgreSQL classes 02 and up (00
 *     success and 01 warning are not errors). A failure without a code:
 *     error.type "_OTHER". An error sets the span status ERROR;
 *   - db.response.returned_rows: Opt-In in the conventions; rawtel sets
 *     it on spans (never on the metric: a count is no dimension) when the
 *     parser counted rows of an operation that returns rows (SELECT,
 *     SHOW, FETCH, VALUES, EXPLAIN, TABLE), because the count costs
 *     nothing here and is what users look for first; affected-row counts
 *     of INSERT/UPDATE/DELETE are not "returned" rows and are left out;
 *   - server.address/server.port: the peer for a client, the local
 *     address for a server; network.peer.address/port: the peer;
 *   - rawtel.db.partial, a comma list of what was not seen (as
 *     rawtel.http.partial): request_not_seen, response_not_seen (given up
 *     before a reply: no error is claimed, the cause is not known),
 *     statement_unknown (a prepared statement whose text came before
 *     rawtel: its name is rawtel.db.statement), text_cut (the text was
 *     cut by the parser or at the bound here), sizes (gaps inside);
 *   - trace context: exactly adb_conn.ctx (the layer decides the parent,
 *     e.g. the HTTP server request the thread is serving); no span unless
 *     CTX_SAMPLED.
 * The metric: db.client.operation.duration (stable), and for SERVER spans
 * db.server.operation.duration, which is NOT in the semantic conventions
 * (OBI exports the same name); seconds, buckets [0.001 ... 10] of the
 * conventions. Attributes: db.system.name, db.namespace,
 * db.operation.name, db.collection.name, db.query.summary,
 * db.response.status_code, error.type, server.address, server.port
 * (client only: a server's own address is the resource's). Exchanges
 * without their request or their reply, noreply commands and pushes are
 * not operations with a duration: no point. Server pushes (DB_X_PUSH)
 * make no span either. */
#ifndef RAWTEL_AGENT_ADB_H
#define RAWTEL_AGENT_ADB_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "rawtel/db.h"
#include "rawtel/proto.h"
#include "rawtel/sql.h"

struct agent;

/* The conventions' bucket bounds for db.*.operation.duration (s). */
#define ADB_N_BOUNDS 9
extern const double adb_duration_bounds[ADB_N_BOUNDS];

/* What the connection layer knows of the exchange's connection. */
struct adb_conn {
	uint32_t pid;
	char comm[16];			/* as the kernel gave it */
	enum proto_role role;		/* PROTO_CLIENT: the process called */
	bool known;			/* the addresses below are valid */
	uint16_t family;		/* AF_INET or AF_INET6 */
	uint16_t lport, rport;
	uint8_t laddr[16], raddr[16];	/* IPv4 ones IPv4-mapped */
	const char *peer;		/* raddr as text, kept by the connection;
					 * NULL: made per exchange */
	bool raw_text;			/* --capture-query-text */
	/* The span's context: trace and span id, parent (CTX_PARENT), and
	 * CTX_SAMPLED / CTX_REMOTE; start_ns, act and act_gen unused. */
	struct ahttp_ctx ctx;
	/* the connection's histogram series (ahttp_record); NULL: none */
	struct ahttp_mcache *mc;
};

/* One exchange as a span (if sampled) and a duration point. */
void adb_exchange(struct agent *a, const struct adb_conn *c, const struct db_exchange *x);

/* adb_cache.c: what the SQL passes (rawtel/sql.h) made of a text seen
 * lately, or made now; NULL for an empty text or one over ADB_CACHE_TEXT
 * bytes (the caller runs the passes itself). Valid until the next call. */
#define ADB_CACHE_TEXT 512
struct adb_sql {
	uint32_t len;
	bool mysql;
	char text[ADB_CACHE_TEXT];
	struct sql_info info;
	char san[ADB_CACHE_TEXT + 1];
	uint32_t san_flags;
};
const struct adb_sql *adb_sql_get(bool mysql, const char *text, size_t len);

#endif
