#!/bin/sh
# rawtel run with the postgres probe end to end, against a real PostgreSQL
# server (a throw-away cluster: initdb in a temp dir, loopback only, a free
# port, stopped by its PID) and a small web app (python3 http.server, one
# thread) that runs SQL through psycopg2 while it serves each request. The
# OTLP files are decoded by the OpenTelemetry project's code and checked
# (tests/node/check-run-db.js): the app's DB CLIENT spans (system,
# namespace, operation, collection, summary, sanitized text, server
# address, the failing query's SQLSTATE as error.type and its ERROR
# status) as children of the HTTP SERVER span being served, the postgres
# backends' SERVER spans of the same operations (a connection older than
# rawtel, and the backends forked while it runs), both duration
# histograms, and no literal value anywhere in the output.
# run_db_load: pgbench, plain and pipelined, over several connections:
# exactly one CLIENT span per query and one SERVER span in the backend
# serving it, nothing lost, nothing twice.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"
PY=/usr/bin/python3

need_node run_db || exit 0
require_bpf run_db || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | tail -n 1)
if [ -z "$bin" ] || ! command -v pgbench > /dev/null || ! $PY -c 'import psycopg2' 2> /dev/null; then
	need run_db "postgresql, pgbench or python3-psycopg2 missing (scripts/install-deps test)"
	exit 0
fi

port=$(free_port)
pg_start run_db || exit 0
psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d rtdb \
	-c 'CREATE TABLE rt_users (id int, name text)' > /dev/null

# The web app: one thread serves each request and, meanwhile, connects to
# the database and runs one statement.
cat > "$T_TMP/app.py" << 'EOF'
import http.server, sys, psycopg2
PORT = int(sys.argv[1])
SQL = {
    "/users": "SELECT name FROM rt_users WHERE id = 42",
    "/add": "INSERT INTO rt_users VALUES (7, 'RtSecretLit3ral')",
    "/bad": "SELECT * FROM no_such_table",
}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        code = 200
        db = psycopg2.connect(host="127.0.0.1", port=PORT, user="postgres", dbname="rtdb")
        db.autocommit = True
        try:
            with db.cursor() as cur:
                cur.execute(SQL[self.path])
        except psycopg2.Error:
            code = 500
        db.close()
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
$PY "$T_TMP/app.py" "$port" > "$T_TMP/app.port" 2> "$T_TMP/app.err" &
app=$!; track_pid $app
i=0; while [ ! -s "$T_TMP/app.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
aport=$(cat "$T_TMP/app.port")

# A connection older than rawtel: PostgreSQL forks a backend per
# connection after accepting it; this backend's socket is known when
# rawtel seeds it at start (sockets older than rawtel), and its queries are
# the server's SERVER spans, picked up mid-stream. The backends forked
# while rawtel runs (the app's connections, pgbench's) inherit sockets the
# postmaster accepted: the kernel side learns each at the backend's first
# use of it (kern/sock.S, sk_*_inherit), so their queries are whole SERVER
# spans from the startup on.
cat > "$T_TMP/old.py" << 'EOF'
import socket, sys, time, psycopg2
db = psycopg2.connect(host="127.0.0.1", port=int(sys.argv[1]), user="postgres", dbname="rtdb")
db.autocommit = True
s = socket.socket(fileno=socket.dup(db.fileno()))
print("connected", s.getsockname()[1], flush=True)
s.close()
sys.stdin.readline()
with db.cursor() as cur:
    # joined mid-stream, replies pair again once the connection has been
    # idle a second after a ReadyForQuery (user/proto/pg_int.h)
    cur.execute("SELECT 1")
    time.sleep(2.5)
    for q in ("SELECT name FROM rt_users WHERE id = 42", "SELECT * FROM no_such_table"):
        try:
            cur.execute(q)
        except psycopg2.Error:
            pass
db.close()
EOF
mkfifo "$T_TMP/old.fifo"
$PY "$T_TMP/old.py" "$port" < "$T_TMP/old.fifo" > "$T_TMP/old.out" 2>&1 &
old=$!; track_pid $old
exec 3> "$T_TMP/old.fifo"
wait_for "$T_TMP/old.out" connected 100 || fail run_db_server "no connection: $(cat "$T_TMP/old.out")"

mkdir -p "$T_TMP/out"
# the ring: client and server side of the load on a shared machine
OTEL_BSP_SCHEDULE_DELAY=300 "$RAWTEL" run --no-status --probes http,postgres --output "$T_TMP/out" \
	--ring-size 8M --metric-interval 500 > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail run_db "rawtel run did not start: $(cat "$T_TMP/rt.err")"
	stop_pg; exit 0
fi

codes=
for p in /users /add /bad /users; do
	codes="$codes$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$aport$p") "
done
echo go >&3; exec 3>&-
wait $old
# the load: plain queries over 4 connections, and pipelines of 5 over 2
LOAD_N=2000 PIPE_N=200
printf 'SELECT 1;\n' > "$T_TMP/plain.sql"
printf '\\startpipeline\nSELECT 1;\nSELECT 2;\nSELECT 3;\nSELECT 4;\nSELECT 5;\n\\endpipeline\n' \
	> "$T_TMP/pipe.sql"
pgbench -n -h 127.0.0.1 -p "$port" -U postgres -c 4 -j 2 -t $((LOAD_N / 4)) -M prepared \
	-f "$T_TMP/plain.sql" rtdb > "$T_TMP/bench1.out" 2>&1 &
b1=$!; track_pid $b1
pgbench -n -h 127.0.0.1 -p "$port" -U postgres -c 2 -j 1 -t $((PIPE_N / 2)) -M extended \
	-f "$T_TMP/pipe.sql" rtdb > "$T_TMP/bench2.out" 2>&1 &
b2=$!; track_pid $b2
wait $b1; r1=$?
wait $b2; r2=$?
sleep 1.5
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail run_db "rawtel run exited $rc: $(tail -n 5 "$T_TMP/rt.err")"; stop_pg; exit 0; fi
if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then
	fail run_db_load "pgbench failed: $(tail -n 3 "$T_TMP/bench1.out" "$T_TMP/bench2.out")"
fi

cat > "$T_TMP/scenario.json" << EOF
{"app": $app, "old": $old, "old_port": $(awk '/^connected/ { print $2 }' "$T_TMP/old.out"),
 "app_port": $aport, "pg_port": $port, "codes": "$codes",
 "bench": [$b1, $b2], "load": $LOAD_N, "pipe": $((PIPE_N * 5)),
 "lost": $(sed -n 's/.* \([0-9]*\) lost in the kernel.*/\1/p' "$T_TMP/rt.err" | tail -n 1)}
EOF
if ! node_check run_db check-run-db.js "$T_TMP/out" "$T_TMP/scenario.json"; then
	echo "--- rawtel:"; tail -n 5 "$T_TMP/rt.err"
fi
if grep -qa RtSecretLit3ral "$T_TMP/out/"*; then
	fail run_db_secrets "a literal reached the OTLP output"
else
	pass run_db_secrets
fi
stop_pg
