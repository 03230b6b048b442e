/* rawtel trace postgres, mysql, redis, memcached: one line per database
 * or cache operation (struct db_exchange, rawtel/db.h), the same columns
 * for every protocol. The statement text is never printed: only
 * its first keyword, the operation (literals may hold secrets, and the
 * sanitizer belongs to the span mapping). */
#include <ctype.h>
#include <string.h>

#include "rawtel/db.h"
#include "rawtel/fmt.h"
#include "rawtel/pconn.h"
#include "rawtel/probes.h"

static const char *const db_systems[PROTO_N] = {
	[PROTO_POSTGRES] = "postgresql", [PROTO_MYSQL] = "mysql", [PROTO_REDIS] = "redis",
	[PROTO_MEMCACHED] = "memcached",
};

static const char *const x_flags[] = { "no_request", "no_response", "error", "trunc",
	"prepared", "stmt_unknown", "noreply", "size_unknown", "push", "mariadb" };

/* The operation: the protocol's name for it, else the statement's first
 * keyword (after blanks, comments and opening parentheses), upper-cased */
static void db_operation(const struct db_exchange *x, char *out, size_t size)
{
	const char *p = x->text;
	size_t n = 0;

	if (x->op[0]) {
		fmt_snprintf(out, size, "%s", x->op);
		return;
	}
	for (;;) {
		while (isspace((unsigned char)*p) || *p == '(')
			p++;
		if (p[0] == '-' && p[1] == '-')
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*' && strstr(p + 2, "*/"))
			p = strstr(p + 2, "*/") + 2;
		else
			break;
	}
	while (n + 1 < size && isalpha((unsigned char)p[n])) {
		out[n] = (char)toupper((unsigned char)p[n]);
		n++;
	}
	out[n] = 0;
	if (!n)
		fmt_snprintf(out, size, "%s", x->flags & DB_X_STMT_UNKNOWN ? "EXECUTE" : "-");
}

/* The status: the error code, "noreply" for a command that asked for no
 * reply (Memcached), "-" when no reply came, else "OK" */
static const char *db_status(const struct db_exchange *x)
{
	if (x->status[0])
		return x->status;
	if (x->flags & DB_X_NOREPLY)
		return "noreply";
	return x->flags & DB_X_NO_RESPONSE ? "-" : "OK";
}

/* db.system.name: MariaDB when the MySQL server's greeting said so */
static const char *db_system(const struct db_exchange *x)
{
	if (x->proto == PROTO_MYSQL && x->flags & DB_X_MARIADB)
		return "mariadb";
	return x->proto < PROTO_N && db_systems[x->proto] ? db_systems[x->proto] : "";
}

void dbline_header(const struct probe_out *o)
{
	fmt_fprintf(o->f, "%-12s %-7s %-16s %-4s %-12s %-20s %-8s %11s %s\n", "TIME", "PID", "COMM",
		"ROLE", "OPERATION", "TARGET", "STATUS", "LATENCY(ms)", "PEER");
}

static void db_json(const struct probe_out *o, const struct ev_sock *s,
		    const struct db_exchange *x, const char *op, const char *peer, uint64_t lat)
{
	char lb[64];

	fmt_fprintf(o->f, ",\"system\":\"%s\",\"role\":\"%s\",\"operation\":", db_system(x),
		!s ? "" : s->role == SOCK_ROLE_CLIENT ? "client" : "server");
	pfmt_json_str(o->f, op, DB_OP_MAX);
	fputs(",\"namespace\":", o->f);
	pfmt_json_str(o->f, x->ns, sizeof(x->ns));
	fputs(",\"status\":", o->f);
	pfmt_json_str(o->f, db_status(x), sizeof(x->status));
	if (x->sqlstate[0]) {
		fputs(",\"sqlstate\":", o->f);
		pfmt_json_str(o->f, x->sqlstate, sizeof(x->sqlstate));
	}
	fputs(",\"statement\":", o->f);
	pfmt_json_str(o->f, x->stmt, sizeof(x->stmt));
	fmt_fprintf(o->f, ",\"rows\":%lld,\"batch\":%u,\"start_ns\":%llu,\"end_ns\":%llu,"
		"\"duration_ns\":%llu,\"req_bytes\":%llu,\"resp_bytes\":%llu,\"conn\":%llu,"
		"\"flags\":[", (long long)x->rows, x->batch, (unsigned long long)x->start_ns,
		(unsigned long long)x->end_ns, (unsigned long long)lat,
		(unsigned long long)x->req_bytes, (unsigned long long)x->resp_bytes,
		(unsigned long long)x->conn_id);
	for (unsigned i = 0, n = 0; i < sizeof(x_flags) / sizeof(x_flags[0]); i++)
		if (x->flags & (1u << i))
			fmt_fprintf(o->f, "%s\"%s\"", n++ ? "," : "", x_flags[i]);
	fputs("],\"local\":", o->f);
	pfmt_json_str(o->f, s ? htline_addr(s, true, lb, sizeof(lb)) : "-", 64);
	fputs(",\"peer\":", o->f);
	pfmt_json_str(o->f, peer, 64);
	fputs("}\n", o->f);
}

void dbline_print(const struct probe_out *o, const struct ev_sock *s,
		  const struct db_exchange *x)
{
	const struct proto_parser *pp = x->proto < PROTO_N ? pconn_parsers[x->proto] : NULL;
	const char *ev = pp ? pp->name : "db";
	char comm[17] = "?", pb[64], op[DB_OP_MAX];
	const char *peer = s ? htline_addr(s, false, pb, sizeof(pb)) : "-";
	uint64_t lat = x->end_ns > x->start_ns ? x->end_ns - x->start_ns : 0;

	if (s)
		pfmt_comm(comm, s->comm);
	db_operation(x, op, sizeof(op));
	if (o->json) {
		pfmt_json_prefix(o, ev, x->start_ns, s ? s->h.pid : 0, s ? s->h.tid : 0, comm);
		db_json(o, s, x, op, peer, lat);
		return;
	}
	pfmt_prefix(o, ev, x->start_ns, s ? s->h.pid : 0, comm);
	fmt_fprintf(o->f, "%-4s %-12s %-20s %-8s %11.3f %s\n",
		s ? (s->role == SOCK_ROLE_CLIENT ? "C" : "S") : "?", op, x->ns[0] ? x->ns : "-",
		db_status(x), (double)lat / 1e6, peer);
}
