#!/bin/sh
# Several protocols on one process, one capture: a client talks Redis,
# Memcached and HTTP/1 (servers on free ports, none the well-known one, so
# only the bytes decide), plus a connection of random binary bytes (both
# ends its own), traced by rawtel trace http,postgres,mysql,redis,memcached.
# Each exchange comes out as its own protocol, the binary connection as
# none: given up, counted, its later payloads not copied.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf db_mix || exit 0
if ! command -v redis-server > /dev/null || ! command -v memcached > /dev/null; then
	need db_mix "redis-server/memcached are not installed (scripts/install-deps test)"
	exit 0
fi
rd=$(mktemp -d)
rport=$(free_port)
mport=$(free_port)
hport=$(free_port)
redis_start "$rport" "$rd" "$rd/redis.log"
track_pid $srv
memcached_start "$mport" "$rd/mc.log"
track_pid $srv
(cd "$rd" && exec python3 -m http.server -b 127.0.0.1 "$hport") > "$rd/http.log" 2>&1 &
track_pid $!
trap 'rm -rf "$rd"; t_cleanup' EXIT INT TERM
for p in $rport $mport $hport; do
	if ! wait_port "$p"; then
		fail db_mix "a server did not start: $(tail -n 3 "$rd"/*.log)"
		exit 0
	fi
done

cat > "$T_TMP/mix.py" << 'EOF'
import random, socket, sys, time, urllib.request
rport, mport, hport = (int(a) for a in sys.argv[1:4])
def ask(s, req, end):
    s.sendall(req)
    got = b""
    while not got.endswith(end):
        got += s.recv(65536)
r = socket.create_connection(("127.0.0.1", rport))
m = socket.create_connection(("127.0.0.1", mport))
ask(r, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", b"+OK\r\n")
ask(m, b"set k 0 0 1\r\nv\r\n", b"STORED\r\n")
ask(r, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", b"v\r\n")
ask(m, b"get k\r\n", b"END\r\n")
urllib.request.urlopen("http://127.0.0.1:%d/" % hport).read()
# random bytes (seeded) both ways: given up after the first few writes; after a
# pause (rawtel has told the kernel) many more, not copied
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
c = socket.create_connection(ls.getsockname()); s, _ = ls.accept()
rnd = random.Random(7)     # the same bytes every run: no flaky detection
def burst(n):
    for _ in range(n):
        c.sendall(rnd.randbytes(64)); s.recv(4096)
        s.sendall(rnd.randbytes(64)); c.recv(4096)
burst(5)
time.sleep(1)
burst(40)
for x in (r, m, c, s):
    x.close()
EOF

name=db_mix
held mix python3 "$T_TMP/mix.py" "$rport" "$mport" "$hport"
if trace_bg $name 300 http,postgres,mysql,redis,memcached --pid $drv; then
	go mix
	wait $drv
	if stop_trace $name; then
		got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    x = json.loads(l)
    if x["event"] == "http":
        print("http", x["method"], x["path"], x["status"])
    else:
        print(x["event"], x["operation"], x["status"])' "$T_TMP/$name.jsonl" 2>&1)
		want="redis SET OK
memcached set OK
redis GET OK
memcached get OK
http GET / 200"
		skipped=$(sed -n 's/.*not parsed (\([0-9]*\) payloads not copied).*/\1/p' "$T_TMP/$name.err")
		# 2 connection ends; each end's 80 later syscalls not copied
		if [ "$got" = "$want" ] && [ "$(not_parsed $name)" = 2 ] &&
		   [ "${skipped:-0}" -ge 160 ]; then
			pass $name
		else
			fail $name "got: $got; summary: $(cat "$T_TMP/$name.err")"
		fi
	fi
fi

# rawtel run --probes with the same names: one capture, and the layer's
# self-metrics count each protocol's connection (HTTP's too) and
# exchanges, and the binary connection's two ends as not ours
name=db_mix_run
if run_metrics $name http,mysql,redis,memcached python3 "$T_TMP/mix.py" "$rport" "$mport" "$hport"; then
	got=$(proto_metrics "$T_TMP/run.d/metrics.jsonl" | grep "connections\|exchanges")
	want="rawtel.proto.connections{outcome=http} 1
rawtel.proto.connections{outcome=memcached} 1
rawtel.proto.connections{outcome=redis} 1
rawtel.proto.connections{outcome=unknown} 2
rawtel.proto.events{event=exchanges,protocol=memcached} 2
rawtel.proto.events{event=exchanges,protocol=redis} 2"
	expect_got $name "$got" "$want" "$(cat "$T_TMP/run.err")"
fi
