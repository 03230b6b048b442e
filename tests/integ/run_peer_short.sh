#!/bin/sh
# Short connections to servers that accept without asking for the peer's
# address: node's http and https servers (libuv: accept4(fd, NULL, NULL)),
# 50 requests each from python3, every one on a connection of its own
# closed as soon as its response ends, faster than rawtel drains its ring.
# rawtel run --probes http --pid SERVER: every SERVER span carries the
# client's own local port (from its getsockname) and address; where the
# kernel lets rawtel learn such a socket at its first use (task registers,
# sock_recv_length with its sk: 6.3+) every one must; with task registers
# off (the older kernels' path: the peer read from /proc after the accept)
# a span may say rawtel.http.partial=peer_unknown instead, with no peer,
# never a wrong one. Checker: tests/node/check-run-peer-short.js.
. "$RAWTEL_TOP/tests/lib.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
PY=/usr/bin/python3
N=run_peer_short
REQS=50

D=$T_TMP/d
tls_test_prep $N "$D" || exit 0
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# the first-use path: the tracepoint's sock pointer (tracefs at either
# place), and task registers (BTF)
first_use=0
for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	grep -qs ' sk;' $t/events/sock/sock_recv_length/format && [ -e /sys/kernel/btf/vmlinux ] && first_use=1
done

# short NAME STRICT [FEATURES_OFF]
short() {
	nm=$1; hp=$(free_port); sp=$(free_port)
	node "$RAWTEL_TOP/tests/integ/peer_short.js" "$D" $hp $sp "$T_TMP/$nm.ready" > "$T_TMP/$nm.srv.out" 2>&1 &
	srv=$!; track_pid $srv
	if ! wait_for "$T_TMP/$nm.ready" . 100; then
		fail $nm "the servers did not start: $(cat "$T_TMP/$nm.srv.out")"; return
	fi
	RAWTEL_FEATURES_OFF=$3 "$RAWTEL" run --no-status --probes http --pid $srv --output "$T_TMP/$nm.out" \
		--no-spool > "$T_TMP/$nm.rt.out" 2> "$T_TMP/$nm.rt.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$nm.rt.err" "running:" 300; then
		fail $nm "rawtel run did not start: $(cat "$T_TMP/$nm.rt.err")"; kill $srv; return
	fi
	timeout 60 $PY "$RAWTEL_TOP/tests/integ/peer_short.py" $hp $sp $REQS > "$T_TMP/$nm.reqs" 2>&1
	rc=$?
	sleep 0.5
	kill -INT $rt; wait $rt; rrc=$?
	kill $srv 2> /dev/null
	if [ $rc -ne 0 ]; then fail $nm "the client: $(cat "$T_TMP/$nm.reqs")"; return; fi
	if [ $rrc -ne 0 ]; then fail $nm "rawtel run exited $rrc: $(tail -n 5 "$T_TMP/$nm.rt.err")"; return; fi
	echo "{\"pid\": $srv, \"strict\": $2, \"reqs\": $(cat "$T_TMP/$nm.reqs")}" > "$T_TMP/$nm.json"
	node "$NODE_DIR/check-run-peer-short.js" $nm "$T_TMP/$nm.out" "$T_TMP/$nm.json"
}

short $N $first_use
short ${N}_older 0 task_regs
