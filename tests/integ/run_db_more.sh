#!/bin/sh
# rawtel run with the mysql, redis and memcached probes end to end, against
# real servers (MariaDB from mariadb-install-db in a temp dir, redis-server,
# memcached: loopback, free ports, stopped by their PIDs) started before
# rawtel, and one client each started after it: the mariadb client, redis-cli,
# a small memcached client on a socket. The OTLP files are decoded by the
# OpenTelemetry project's code and checked (tests/node/check-run-db-more.js):
# each client's exact CLIENT spans (system, namespace, operation, sanitized
# text, the MariaDB syntax error's 1064 and the Redis WRONGTYPE as
# db.response.status_code and error.type, server address and port), the
# servers' SERVER spans of the same operations, the
# db.client.operation.duration histogram, and no secret literal anywhere;
# and a Redis connection used only by a forked child and the program it
# execs (with the socket moved to another fd): their CLIENT spans.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

need_node run_db_more || exit 0
require_bpf run_db_more || exit 0
missing_cmd redis-server redis-cli memcached mariadb mariadb-install-db ||
	{ need run_db_more "$missing is not installed (scripts/install-deps test)"; exit 0; }

md=$(mktemp -d)
myport=$(free_port); rport=$(free_port); mport=$(free_port)
myd= rsd= mcd=
stop_servers() {
	for p in $myd $rsd $mcd; do kill "$p" 2> /dev/null; done
	for p in $myd $rsd $mcd; do wait "$p" 2> /dev/null; done
	rm -rf "$md"
}
trap 'stop_servers; t_cleanup' EXIT INT TERM
mariadb_start "$myport" "$md"
myd=$srv
redis_start "$rport" "$md" "$md/redis.log"
rsd=$srv
memcached_start "$mport" "$md/mc.log"
mcd=$srv
for p in $myport $rport $mport; do
	up_or_stop run_db_more "a server" "$p" "$md/err.log" "$md/redis.log" "$md/mc.log"
done
mariadb_app "$md"

mkdir -p "$T_TMP/out"
OTEL_BSP_SCHEDULE_DELAY=300 "$RAWTEL" run --no-status --probes mysql,redis,memcached \
	--output "$T_TMP/out" --metric-interval 500 > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail run_db_more "rawtel run did not start: $(cat "$T_TMP/rt.err")"
	exit 0
fi

my_client_sql "$T_TMP/client.sql"
mariadb --no-defaults -h127.0.0.1 -P"$myport" -uapp -papppw --force shop \
	< "$T_TMP/client.sql" > "$T_TMP/my.out" 2>&1 &
myc=$!; track_pid $myc
wait $myc
printf '%s\n' 'SET rk s3cret-value' 'GET rk' 'LPUSH rl a b' 'GET rl' 'SELECT 3' 'SET rk2 x' \
	'DEL rk2 nokey' > "$T_TMP/cmds"
redis-cli -h 127.0.0.1 -p "$rport" < "$T_TMP/cmds" > "$T_TMP/rcli.out" 2>&1 &
rc=$!; track_pid $rc
wait $rc
# A socket used by processes that did not make it: a child forked after
# the connect sends GET, then moves the socket to fd 5 and execs a
# program that sends PING on it (inetd's way): both learned at first use
cat > "$T_TMP/fork.py" << 'EOF'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1], flush=True)
pid = os.fork()
if pid == 0:
    s.sendall(b"*2\r\n$3\r\nGET\r\n$2\r\nfk\r\n")
    s.recv(100)
    os.dup2(s.fileno(), 5)
    os.execvp("python3", ["python3", "-c",
              "import socket; s = socket.socket(fileno=5); s.sendall(b'PING\\r\\n'); s.recv(100)"])
print(pid, flush=True)
os.waitpid(pid, 0)
EOF
python3 "$T_TMP/fork.py" "$rport" > "$T_TMP/fork.out" 2>&1
# each request written whole, its reply read to its end (mc_client)
mc_client "$T_TMP/mc.py"
cat > "$T_TMP/mc.txt" << 'EOF'
set a 0 0 10
s3cret-val
> STORED
get a b
> END
delete nokey
> NOT_FOUND
bogus
> ERROR
mg a v
> s3cret-val
EOF
python3 "$T_TMP/mc.py" "$mport" "$T_TMP/mc.txt" > "$T_TMP/mc.out" 2>&1 &
mcc=$!; track_pid $mcc
wait $mcc
sleep 1.5
kill -TERM $rt; wait $rt; rc_rt=$?
if [ $rc_rt -ne 0 ]; then
	fail run_db_more "rawtel run exited $rc_rt: $(tail -n 5 "$T_TMP/rt.err")"
	exit 0
fi

cat > "$T_TMP/scenario.json" << EOF
{"mysql": {"client": $myc, "server": $myd, "port": $myport},
 "redis": {"client": $rc, "server": $rsd, "port": $rport},
 "fork": {"port": $(sed -n 1p "$T_TMP/fork.out"), "child": $(sed -n 2p "$T_TMP/fork.out")},
 "memcached": {"client": $mcc, "server": $mcd, "port": $mport}}
EOF
if ! node_check run_db_more check-run-db-more.js "$T_TMP/out" "$T_TMP/scenario.json"; then
	echo "--- rawtel:"; tail -n 5 "$T_TMP/rt.err"
	echo "--- clients:"; cat "$T_TMP/my.out" "$T_TMP/rcli.out" "$T_TMP/mc.out"
fi
if grep -qa -e hunter2 -e s3cret "$T_TMP/out/"*; then
	fail run_db_more_secrets "a literal reached the OTLP output"
else
	pass run_db_more_secrets
fi
