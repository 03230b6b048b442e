#!/bin/sh
# rawtel run --probes http on runtimes whose TLS encrypts into memory: node's
# https server and client (OpenSSL linked into node, TLSWrap's memory BIO)
# and Python's asyncio server (ssl.MemoryBIO), whose socket sends happen
# after the TLS call, never inside it. rawtel ties each SSL object to its
# connection from the ciphertext itself (BIO_write's first bytes, then the
# send carrying them: include/rawtel/tls.h), so their spans carry the real
# peers; a TLS exchange with no socket at all (tls_memonly.py) still makes
# exact spans, marked rawtel.tls.binding=unproven, with no peer. One process
# tree (tests/integ/tls_membio.js) traced by --pid, then again with no
# selection (run_tls_membio_all: node's own OpenSSL found by looking into
# every running process's executable); the checker is
# tests/node/check-run-tls-membio.js.
. "$RAWTEL_TOP/tests/lib.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
PY=/usr/bin/python3
N=run_tls_membio

D=$T_TMP/d
tls_test_prep $N "$D" || exit 0
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# membio NAME [--pid]: the driver's run, traced by --pid or everything
membio() {
	nm=$1
	node "$RAWTEL_TOP/tests/integ/tls_membio.js" "$D" $PY "$(free_port)" "$(free_port)" "$T_TMP/$nm.go" \
		"$T_TMP/$nm.scenario.json" > "$T_TMP/$nm.driver.out" 2>&1 &
	drv=$!; track_pid $drv
	if ! wait_for "$T_TMP/$nm.scenario.json.ready" . 100; then
		fail $nm "the servers did not start: $(cat "$T_TMP/$nm.driver.out")"; return
	fi
	pys=$(cat "$T_TMP/$nm.scenario.json.ready"); track_pid "$pys"

	"$RAWTEL" run --no-status --probes http ${2:+--pid $drv} --output "$T_TMP/$nm.out" --no-spool \
		> "$T_TMP/$nm.rt.out" 2> "$T_TMP/$nm.rt.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$nm.rt.err" "running:" 300; then
		fail $nm "rawtel run did not start: $(cat "$T_TMP/$nm.rt.err")"; return
	fi
	touch "$T_TMP/$nm.go"
	i=0; while [ ! -s "$T_TMP/$nm.scenario.json" ] && kill -0 $drv 2> /dev/null && [ $i -lt 200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -s "$T_TMP/$nm.scenario.json" ] || { fail $nm "the driver: $(cat "$T_TMP/$nm.driver.out")"; return; }
	sleep 0.5
	kill -INT $rt; wait $rt; rc=$?
	kill $drv $pys 2> /dev/null
	if [ $rc -ne 0 ]; then fail $nm "rawtel run exited $rc: $(tail -n 5 "$T_TMP/$nm.rt.err")"; return; fi
	node "$NODE_DIR/check-run-tls-membio.js" $nm "$T_TMP/$nm.out" "$T_TMP/$nm.scenario.json"
}

membio $N --pid
membio ${N}_all
