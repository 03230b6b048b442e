#!/bin/sh
# PostgreSQL over TLS: a throw-away cluster with ssl=on (a certificate made
# here with openssl req; loopback, a free port, stopped by its PID) and
# psql (libpq on Debian's libssl3) with sslmode=require. The SSLRequest is
# answered 'S', the handshake and every query after it are ciphertext on
# the socket; the plaintext comes from the uprobes on libssl (kern/tls.S)
# tied to that connection. rawtel trace postgres: exactly the statements'
# operations, with their statuses, rows, database and the server as peer
# (as trace_db.sh over plain TCP), nothing parsed
# from the ciphertext (an extra or garbled line), the connection really
# encrypted (pg_stat_ssl says so); then rawtel run's CLIENT spans of a
# plain and a TLS connection: the same names, kinds, statuses and
# attributes (db.system.name, db.query.text, db.query.summary,
# server.address/port).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf db_tls || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | tail -n 1)
if [ -z "$bin" ] || ! command -v psql > /dev/null || ! command -v openssl > /dev/null; then
	need db_tls "postgresql or openssl is not installed (scripts/install-deps test)"
	exit 0
fi

# the certificate where the server (user postgres) can read it
cd_=$(mktemp -d)
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$cd_/key.pem" -out "$cd_/cert.pem" \
	-days 1 -subj /CN=localhost > "$cd_/openssl.out" 2>&1; then
	fail db_tls "openssl req: $(cat "$cd_/openssl.out")"; rm -rf "$cd_"; exit 0
fi
chmod 600 "$cd_/key.pem"
chown -R postgres "$cd_"
port=$(free_port)
PG_OPTS="-c ssl=on -c ssl_cert_file=$cd_/cert.pem -c ssl_key_file=$cd_/key.pem"
pg_start db_tls || { rm -rf "$cd_"; exit 0; }

cat > "$T_TMP/stmts.sql" << 'EOF'
CREATE TABLE rt_t (a int, secret text);
INSERT INTO rt_t VALUES (1, 'hunter2'), (2, 'hunter3');
SELECT a FROM rt_t WHERE a > 0;
SELECT * FROM no_such_table;
SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();
DROP TABLE rt_t;
EOF
# conninfo MODE: psql's connection string for sslmode MODE
conninfo() { echo "host=127.0.0.1 port=$port user=postgres dbname=rtdb sslmode=$1"; }
want="postgres psql client CREATE rtdb OK -1 True True
postgres psql client INSERT rtdb OK 2 True True
postgres psql client SELECT rtdb OK 2 True True
postgres psql client SELECT rtdb 42P01 -1 True True
postgres psql client SELECT rtdb OK 1 True True
postgres psql client DROP rtdb OK -1 True True"

# rawtel trace postgres, psql by --pid (held until rawtel traces); the
# connection encrypted (pg_stat_ssl's t)
name=db_tls_trace
held require psql -X -q -t -A "$(conninfo require)" -f "$T_TMP/stmts.sql" \
	> "$T_TMP/require.out" 2>&1
if trace_bg $name 300 postgres --pid $drv; then
	go require
	wait $drv
	if stop_trace $name; then
		got=$(db_lines $name "$port")
		if [ "$got" = "$want" ] && grep -qx t "$T_TMP/require.out" &&
		   ! grep -q hunter "$T_TMP/$name.jsonl"; then
			pass $name
		else
			fail $name "got: $got; psql: $(cat "$T_TMP/require.out"); $(cat "$T_TMP/$name.err")"
		fi
	fi
fi

# rawtel run: one shell runs both psql, plain then TLS; the CLIENT spans of
# the two connections are the same, span for span
name=db_tls_run
held run sh -c "psql -X -q '$(conninfo disable)' -f '$T_TMP/stmts.sql' &&
	psql -X -q '$(conninfo require)' -f '$T_TMP/stmts.sql'" > /dev/null 2>&1
mkdir -p "$T_TMP/out"
"$RAWTEL" run --no-status --probes postgres --pid $drv --output "$T_TMP/out" \
	> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/run.err" "running:" 300; then
	go run
	wait $drv
	sleep 0.5
	kill -INT $rt; wait $rt
	got=$(python3 -c '
import json, sys
spans = []
for l in open(sys.argv[1]):
    for rs in json.loads(l)["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                a = {x["key"]: list(x["value"].values())[0] for x in s.get("attributes", [])}
                spans.append((int(s["startTimeUnixNano"]), s["name"], s["kind"],
                              s.get("status", {}).get("code", 0), sorted(a.items())))
spans.sort()
plain, tls = [s[1:] for s in spans[:6]], [s[1:] for s in spans[6:]]
ok = len(spans) == 12 and plain == tls
for s in plain:
    a = dict(s[3])
    ok = ok and s[1] == 3 and a.get("db.system.name") == "postgresql" and \
        a.get("server.address") == "127.0.0.1" and a.get("server.port") == sys.argv[2] and \
        a.get("db.namespace") == "rtdb" and "db.query.text" in a
print(" | ".join(s[0] for s in plain), ok)
if not ok:
    print(spans)
' "$T_TMP/out/traces.jsonl" "$port" 2>&1)
	want="CREATE rt_t | INSERT rt_t | SELECT rt_t | SELECT no_such_table | SELECT pg_stat_ssl | DROP rt_t True"
	if [ "$got" = "$want" ] && ! grep -q hunter "$T_TMP/out/"*; then
		pass $name
	else
		fail $name "got: $got; $(cat "$T_TMP/run.err")"
	fi
else
	fail $name "rawtel run did not start: $(cat "$T_TMP/run.err")"
fi
stop_pg
rm -rf "$cd_"
