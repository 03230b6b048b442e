/* One database or cache operation seen on the wire (PostgreSQL, MySQL and
 * MariaDB, Redis, Memcached): what the parsers in user/proto/ report
 * through proto_opts.on_db, and what the agent's one DB mapping turns into
 * a span and a db.*.operation.duration sample.
 *
 * The parser copies out only what the semantic conventions can use: the
 * statement or command text (the mapping sanitizes it unless the user
 * asked for raw text), never passwords, authentication messages or the
 * values bound to prepared statements. Strings are NUL-terminated and
 * printable ASCII (other bytes become '?'); a string that did not fit is
 * cut and flagged DB_X_TRUNC. */
#ifndef RAWTEL_DB_H
#define RAWTEL_DB_H

#include <stdint.h>

#include "rawtel/proto.h"

#define DB_TEXT_MAX 1024	/* statement / command text kept */
#define DB_OP_MAX 32		/* a command name (Redis, Memcached, MySQL
				 * COM_* without text) */
#define DB_NS_MAX 128		/* database / schema / index */
#define DB_STATUS_MAX 16	/* SQLSTATE, MySQL error number, Redis
				 * error prefix, Memcached error word */
#define DB_STMT_MAX 64		/* a prepared statement's name or id */

/* struct db_exchange.flags */
#define DB_X_NO_REQUEST (1u << 0)	/* the reply came for a request not
					 * seen (tracing began mid-call, or a
					 * gap): text and op empty */
#define DB_X_NO_RESPONSE (1u << 1)	/* given up before a reply (closed,
					 * aged out, noreply command) */
#define DB_X_ERROR (1u << 2)		/* the reply is an error; status
					 * holds its code */
#define DB_X_TRUNC (1u << 3)		/* a kept string was cut, or the
					 * request was not all captured */
#define DB_X_PREPARED (1u << 4)		/* text is a prepared statement's,
					 * found by name or id */
#define DB_X_STMT_UNKNOWN (1u << 5)	/* executes a prepared statement
					 * whose text was never seen (prepared
					 * before rawtel started): stmt holds
					 * its name or id, text is empty */
#define DB_X_NOREPLY (1u << 6)		/* a command that asks for no reply
					 * (Memcached noreply): no response
					 * is expected, none is an error */
#define DB_X_SIZE_UNKNOWN (1u << 7)	/* a gap inside: sizes are lower
					 * bounds */
#define DB_X_PUSH (1u << 8)		/* a message the server pushed
					 * without a request (RESP3 push,
					 * pub/sub, PostgreSQL NOTIFY) */
#define DB_X_MARIADB (1u << 9)		/* MySQL protocol, and the server's
					 * greeting says MariaDB (its version
					 * string): db.system.name mariadb */

struct db_exchange {
	uint64_t conn_id;
	enum proto_id proto;
	uint64_t start_ns;	/* the syscall with the request's first byte
				 * (without a request: the reply's) */
	uint64_t end_ns;	/* the syscall with the reply's last byte;
				 * without a reply: when it was given up */
	uint32_t flags;		/* DB_X_* */
	/* How many operations this exchange stands for when the protocol
	 * batched them into one request/reply (a pipeline reported as one, a
	 * MySQL multi-statement); 1 otherwise. */
	uint32_t batch;
	int64_t rows;		/* rows returned or affected, -1 unknown */
	uint64_t req_bytes;	/* bytes on the wire, gaps included */
	uint64_t resp_bytes;
	/* The operation: the command's name as the protocol spells it
	 * ("GET", "get", "COM_STMT_EXECUTE"...); for SQL text, empty (the
	 * mapping takes it from the text). */
	char op[DB_OP_MAX];
	char text[DB_TEXT_MAX];	/* SQL as sent, or the command line with
				 * its arguments (Redis, Memcached) */
	char stmt[DB_STMT_MAX];	/* prepared statement name or id, if any */
	/* db.namespace as known at the request: PostgreSQL's database from
	 * the startup, MySQL's current schema (handshake, COM_INIT_DB, USE),
	 * Redis's SELECT index; empty when not seen (PostgreSQL: the
	 * startup's user when it names no database). */
	char ns[DB_NS_MAX];
	char status[DB_STATUS_MAX];	/* the error code; empty when ok */
	/* MySQL / MariaDB: the ERR packet's SQLSTATE (the class of the
	 * numeric code in status: "42S02"); empty when none was sent */
	char sqlstate[8];
};

#endif
