#!/bin/sh
# rawtel trace postgres against a real PostgreSQL server (a throw-away
# cluster: initdb in a temp dir, loopback only, a free port, stopped by
# its PID): psql runs known statements (DDL, an insert, a select, a
# failing query) and exactly those operations appear, with their
# statuses (the failure's SQLSTATE) and database, nothing else. Then
# connections that are no PostgreSQL (TLS-looking bytes, an unknown binary
# protocol) are given up by the connection layer and the kernel stops
# copying their payloads (both counted in the summary), with no line.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

# start_trace NAME [options]: rawtel trace postgres --json in the background
start_trace() {
	n=$1; shift
	trace_bg "$n" 300 postgres "$@"
}

require_bpf db_psql || exit 0
bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | tail -n 1)
if [ -z "$bin" ] || ! command -v psql > /dev/null; then
	need db_psql "postgresql is not installed (scripts/install-deps test)"
	exit 0
fi

port=$(free_port)
pg_start db_psql || exit 0

# psql's pid is known before it runs (held, then go)
name=db_psql
held psql psql -X -q -h 127.0.0.1 -p "$port" -U postgres \
	-d rtdb -c 'CREATE TABLE rt_t (a int, secret text)' \
	-c "INSERT INTO rt_t VALUES (1, 'hunter2')" -c 'SELECT a FROM rt_t WHERE a = 1' \
	-c 'SELECT * FROM no_such_table' > "$T_TMP/psql.out" 2>&1
if start_trace $name --pid $drv; then
	go psql
	wait $drv
	if stop_trace $name; then
		got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    x = json.loads(l)
    print(x["event"], x["comm"], x["role"], x["operation"], x["namespace"], x["status"],
          x["rows"], x["peer"] == "127.0.0.1:" + sys.argv[2], x["duration_ns"] > 0)
' "$T_TMP/$name.jsonl" "$port" 2>&1)
		want="postgres psql client CREATE rtdb OK -1 True True
postgres psql client INSERT rtdb OK 1 True True
postgres psql client SELECT rtdb OK 1 True True
postgres psql client SELECT rtdb 42P01 -1 True True"
		if [ "$got" = "$want" ] && ! grep -q hunter2 "$T_TMP/$name.jsonl"; then
			pass $name
		else
			fail $name "got: $got; psql: $(cat "$T_TMP/psql.out")"
		fi
	fi
fi

# The text form: the header and one line per operation
name=db_text
select1() { psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d rtdb -c 'SELECT 1' > /dev/null; }
if trace_text $name 0.5 select1 postgres --comm psql; then
	if head -n 1 "$T_TMP/$name.out" | grep -q "^TIME  *PID  *COMM  *ROLE  *OPERATION  *TARGET  *STATUS  *LATENCY(ms)  *PEER$" &&
	   grep -q " psql  *C  *SELECT  *rtdb  *OK  .* 127.0.0.1:$port$" "$T_TMP/$name.out" &&
	   [ "$(wc -l < "$T_TMP/$name.out")" = 2 ]; then
		pass $name
	else
		fail $name "unexpected text output: $(cat "$T_TMP/$name.out")"
	fi
fi

# rawtel run --probes postgres: the layer's self-metrics count the
# connection and its operations (rawtel.proto.*)
name=db_run_metrics
if run_metrics $name postgres sh -c "exec psql -X -q -h 127.0.0.1 -p $port -U postgres -d rtdb \
	-c 'SELECT 1' -c 'SELECT 2' > /dev/null 2>&1"; then
	got=$(proto_metrics "$T_TMP/run.d/metrics.jsonl" \
		"rawtel.proto.connections{outcome=postgres}" \
		"rawtel.proto.events{event=exchanges,protocol=postgres}" \
		"rawtel.proto.events{event=errors,protocol=postgres}")
	want="rawtel.proto.connections{outcome=postgres} 1
rawtel.proto.events{event=exchanges,protocol=postgres} 2
rawtel.proto.events{event=errors,protocol=postgres} 0"
	expect_got $name "$got" "$want" "$(cat "$T_TMP/run.err")"
fi
stop_pg

# Not PostgreSQL: one process talks TLS-looking bytes on one connection and
# an unknown binary protocol on another (both ends its own), a few writes,
# a pause (the layer gives them up), then many more: no line, the
# connections counted as not parsed, the later payloads not copied.
name=db_not_ours
cat > "$T_TMP/notours.py" << 'EOF'
import socket, sys, time
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(4)
sys.stdin.readline()
pairs = []
for first in (b"\x16\x03\x01\x00\x40", b"\xde\xad\xbe\xef\x00\x00\x00\x01"):
    c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()
    pairs.append((c, s, first))
def burst(n):
    for c, s, first in pairs:
        for _ in range(n):
            c.sendall(first + b"\x00" * 59); s.recv(4096)
            s.sendall(b"\x17\x03\x03" + b"\x01" * 61); c.recv(4096)
burst(5)
time.sleep(1)
burst(50)
for c, s, _ in pairs:
    c.close(); s.close()
EOF
fifo="$T_TMP/notours.fifo"; mkfifo "$fifo"
python3 "$T_TMP/notours.py" < "$fifo" &
drv=$!; track_pid $drv
if start_trace $name --pid $drv; then
	echo go > "$fifo"
	wait $drv
	if stop_trace $name; then
		sum=$(grep "connections not parsed" "$T_TMP/$name.err")
		conns=$(echo "$sum" | sed -n 's/.* \([0-9]*\) connections not parsed.*/\1/p')
		skipped=$(echo "$sum" | sed -n 's/.*not parsed (\([0-9]*\) payloads not copied).*/\1/p')
		# 4 connection ends; each end's 100 later syscalls not copied
		if [ "${conns:-0}" = 4 ] && [ "${skipped:-0}" -ge 400 ] && [ ! -s "$T_TMP/$name.jsonl" ]; then
			pass $name
		else
			fail $name "summary: $(cat "$T_TMP/$name.err"); lines: $(head -c 500 "$T_TMP/$name.jsonl")"
		fi
	fi
fi
