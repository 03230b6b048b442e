# Shared by the database integration tests (tests/integ/trace_db*.sh),
# sourced after tests/lib.sh: real servers in a temp dir on loopback, on a
# free port, stopped by their PID; a client whose PID is known before it
# runs; the trace's JSON lines reduced to the fields a case asserts.

# needed, or the case fails in CI (RAWTEL_REQUIRE_BPF=1) as a skip would
need() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail "$1" "$2"; else skip "$1" "$2"; fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s)
wait_port() {
	python3 -c '
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)' "$1"
}

# up_or_stop NAME WHAT PORT LOG...: wait_port PORT, or FAIL NAME (WHAT
# did not start, the end of each LOG) and the test stops
up_or_stop() {
	wait_port "$3" && return 0
	uo_name=$1 uo_what=$2; shift 3
	fail "$uo_name" "$uo_what did not start: $(tail -n 5 "$@")"
	exit 0
}

# Servers, started in the background on 127.0.0.1:PORT with the PID in
# $srv (the caller stops it; wait_port says when it listens).
# redis_start PORT DIR LOG: redis-server, in DIR, keeping nothing on disk
redis_start() {
	redis-server --bind 127.0.0.1 --port "$1" --dir "$2" --save '' --appendonly no \
		--daemonize no > "$3" 2>&1 &
	srv=$!
}

# redis_up NAME: redis_start on a free $port in a new temp dir $rd
# (server.log there), its PID in $spid, both removed at exit; up_or_stop
redis_up() {
	rd=$(mktemp -d)
	port=$(free_port)
	redis_start "$port" "$rd" "$rd/server.log"
	spid=$srv
	track_pid $spid
	trap 'kill $spid 2> /dev/null; wait $spid 2> /dev/null; rm -rf "$rd"; t_cleanup' EXIT INT TERM
	up_or_stop "$1" redis-server "$port" "$rd/server.log"
}

# memcached_start PORT LOG: memcached, 16 MB, no UDP
memcached_start() {
	memcached -l 127.0.0.1 -p "$1" -U 0 -u "$(id -un)" -m 16 > "$2" 2>&1 &
	srv=$!
}

# mariadb_start PORT DIR [OPTION...]: MariaDB's server on a database made
# in DIR/data (root by the socket DIR/sock; DIR/install.log, DIR/err.log),
# with the OPTIONs
mariadb_start() {
	mariadb-install-db --no-defaults --datadir="$2/data" --user="$(id -un)" \
		--auth-root-authentication-method=normal --skip-test-db > "$2/install.log" 2>&1
	db_port=$1; db_dir=$2; shift 2
	/usr/sbin/mariadbd --no-defaults --datadir="$db_dir/data" --user="$(id -un)" \
		--skip-networking=0 --bind-address=127.0.0.1 --port="$db_port" \
		--socket="$db_dir/sock" --pid-file="$db_dir/pid" --log-error="$db_dir/err.log" "$@" &
	srv=$!
}

# mariadb_app DIR [SQL]: as root (the socket DIR/sock) the database shop
# and its user app (password apppw, from 127.0.0.1, every right), then SQL
mariadb_app() {
	printf '%s\n' 'CREATE DATABASE shop;' "CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'apppw';" \
		"GRANT ALL ON *.* TO 'app'@'127.0.0.1';" "${2:-}" |
		mariadb --no-defaults -uroot --socket="$1/sock"
}
# the table the mysql cases and fixtures read: three rows of shop.items
MY_ITEMS="CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(40), price INT);
INSERT INTO shop.items VALUES (1,'apple',3),(2,'pear',4),(3,'plum',5);"

# my_client_sql FILE [SQL]: the statements a mysql client case runs (DDL,
# an insert of a secret literal, a select, a syntax error, a missing
# table), then SQL, in FILE
my_client_sql() {
	printf '%s\n' 'CREATE TABLE rt_t (a INT, secret TEXT);' "INSERT INTO rt_t VALUES (1, 'hunter2'), (2, 'x');" \
		'SELECT a FROM rt_t WHERE a > 0;' 'SELEC 1;' 'SELECT * FROM no_such_table;' ${2:+"$2"} > "$1"
}

# pg_start NAME: a throw-away PostgreSQL cluster (initdb in a new temp dir
# $pg, trust authentication, the binaries in $bin, the server options in
# $PG_OPTS if set) serving 127.0.0.1:$port
# (the postmaster: $spid), with an empty database rtdb; stop_pg stops it by
# the PID it wrote and removes $pg. Returns 1 when it did not start (NAME
# failed, the cluster is gone).
pg_start() {
	pg=$(mktemp -d)
	chown postgres "$pg"
	spid=
	su postgres -s /bin/sh -c "$bin/initdb -D $pg/db -U postgres -A trust" > "$pg/initdb.log" 2>&1
	su postgres -s /bin/sh -c "exec $bin/postgres -D $pg/db -k $pg -h 127.0.0.1 -p $port ${PG_OPTS:-}" \
		> "$pg/server.log" 2>&1 &
	spid=$!
	i=0
	until su postgres -s /bin/sh -c "$bin/pg_isready -q -h 127.0.0.1 -p $port"; do
		i=$((i + 1))
		if [ $i -ge 100 ]; then
			fail "$1" "postgres did not start: $(tail -n 5 "$pg/server.log")"
			stop_pg; return 1
		fi
		sleep 0.2
	done
	psql -X -q -h 127.0.0.1 -p "$port" -U postgres -c 'CREATE DATABASE rtdb' > /dev/null
}
stop_pg() {
	# the postmaster by the PID it wrote; never by name
	[ -s "$pg/db/postmaster.pid" ] && kill -INT "$(head -n 1 "$pg/db/postmaster.pid")" 2> /dev/null
	[ -n "$spid" ] && wait "$spid" 2> /dev/null
	rm -rf "$pg"
}

# mc_client FILE: a python memcached client in FILE, run as
#   python3 FILE PORT CONVERSATION
# CONVERSATION a file of what it writes to 127.0.0.1:PORT, one line each
# (sent with \r\n), a request written whole when a line "> END" follows
# it, its reply then read to the line END (">" alone: no reply awaited)
mc_client() {
	cat > "$1" << 'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
req = b""
for line in open(sys.argv[2]).read().splitlines():
    if not line.startswith(">"):
        req += line.encode() + b"\r\n"
        continue
    s.sendall(req)
    req, end, got = b"", line[2:].encode() + b"\r\n", b""
    while line != ">" and not got.endswith(end):
        got += s.recv(65536)
s.close()
EOF
}

# held NAME CMD...: CMD started held on a fifo (its PID, $drv, is known
# before it runs: rawtel can be told it); go NAME lets it run
held() {
	hn=$1; shift
	mkfifo "$T_TMP/$hn.fifo"
	sh -c 'read x < "$1"; shift; exec "$@"' sh "$T_TMP/$hn.fifo" "$@" &
	drv=$!; track_pid $drv
}
go() { echo go > "$T_TMP/$1.fifo"; }

# run_metrics NAME PROBES CMD...: CMD (held) traced by rawtel run
# --probes PROBES writing OTLP JSON Lines into $T_TMP/run.d (metrics every
# 500 ms, $T_TMP/run.err), stopped 1.2 s after CMD ended: a last export.
# Returns 1 (FAIL printed) when rawtel did not start.
run_metrics() {
	rm_name=$1 rm_probes=$2; shift 2
	held run "$@"
	mkdir -p "$T_TMP/run.d"
	"$RAWTEL" run --no-status --probes "$rm_probes" --pid $drv --output "$T_TMP/run.d" \
		--metric-interval 500 > "$T_TMP/run.out" 2> "$T_TMP/run.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/run.err" "running:" 300; then
		fail "$rm_name" "rawtel run did not start: $(cat "$T_TMP/run.err")"
		return 1
	fi
	go run
	wait $drv
	sleep 1.2
	kill -TERM $rt; wait $rt
}

# db_lines NAME [PORT]: one line per traced operation, the fields cases
# assert: event comm role operation namespace status rows, whether the peer
# is 127.0.0.1:PORT (with PORT) and whether it took time (when both
# request and reply were seen, and a reply was asked for)
db_lines() {
	python3 -c '
import json, sys
port = sys.argv[2] if len(sys.argv) > 2 else None
for l in open(sys.argv[1]):
    x = json.loads(l)
    f = [x["event"], x["comm"], x["role"], x["operation"], x["namespace"] or "-",
         x["status"], str(x["rows"])]
    if port:
        f.append(str(x["peer"] == "127.0.0.1:" + port or x["local"] == "127.0.0.1:" + port))
    f.append(str(x["duration_ns"] > 0 or
                 any(g in x["flags"] for g in ("no_response", "no_request", "noreply"))))
    print(" ".join(f))
' "$T_TMP/$1.jsonl" ${2:-} 2>&1
}

# not_parsed NAME: the summary's count of connections not parsed
not_parsed() {
	sed -n 's/.* \([0-9]*\) connections not parsed.*/\1/p' "$T_TMP/$1.err"
}

# proto_metrics FILE [KEY...]: the latest value of each rawtel.proto.*
# sum in an OTLP JSON Lines metrics file, as "name{attr=v,...} value": the
# KEYs given (None when absent), else every non-zero one
proto_metrics() {
	python3 -c '
import json, sys
last = {}
for l in open(sys.argv[1]):
    for rm in json.loads(l).get("resourceMetrics", []):
        for sm in rm.get("scopeMetrics", []):
            for m in sm.get("metrics", []):
                if not m["name"].startswith("rawtel.proto."):
                    continue
                for dp in m.get("sum", {}).get("dataPoints", []):
                    a = ",".join(sorted(x["key"] + "=" + x["value"]["stringValue"]
                                        for x in dp.get("attributes", [])))
                    last[m["name"] + "{" + a + "}"] = int(dp.get("asInt", 0))
for k in sys.argv[2:] or sorted(k for k in last if last[k]):
    print(k, last.get(k))
' "$@" 2>&1
}
