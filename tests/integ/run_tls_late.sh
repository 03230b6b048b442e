#!/bin/sh
# rawtel run --probes http on TLS programs that start after rawtel: node's
# https server (OpenSSL linked into the node executable) and Debian's
# python3 https server on a copy of libssl that no process mapped when
# rawtel started (LD_LIBRARY_PATH: as a container's own libssl, dlopen'd by
# Python's ssl module), both exec'd by a traced shell once rawtel runs,
# then curl clients (keep-alive, two requests each, half a second apart).
# user/probes/tls_late.c probes the node executable at its exec and the
# libssl copy by the server's first connection at the latest (the
# readiness check's); rawtel says so on stderr for each. Exact SERVER and
# CLIENT spans with url.scheme https and the right peers, and the TLS
# libraries self-metric (tests/node/check-run-tls-late.js).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
PY=/usr/bin/python3
N=run_tls_late

if ! command -v node > /dev/null || [ ! -d "$RAWTEL_TOP/tests/node/node_modules/@opentelemetry" ]; then
	fail $N "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"; exit 0
fi
for c in curl openssl $PY; do
	if ! command -v $c > /dev/null; then fail $N "$c is missing: run scripts/install-deps test"; exit 0; fi
done
require_bpf $N || exit 0

D=$T_TMP/d
mkdir -p "$D" "$T_TMP/lib"
if ! http_tls_cert "$D"; then fail $N "openssl req: $(cat "$D/openssl.out")"; exit 0; fi
# the libssl python's ssl module links to, copied: a file (an inode) no
# probe is on
so=$($PY -c 'import _ssl; print(getattr(_ssl, "__file__", ""))')
lib=$(ldd "${so:-$PY}" | awk '$1 ~ /^libssl\.so/ { print $3; exit }')
if [ ! -f "$lib" ] || ! cp "$lib" "$T_TMP/lib/"; then fail $N "no libssl for $PY ($so)"; exit 0; fi
NP=$(http_free_port); PP=$(http_free_port)
while [ "$PP" = "$NP" ]; do PP=$(http_free_port); done
mkfifo "$T_TMP/go1" "$T_TMP/go2"

# the traced shell: the servers once go1 is written, a plain connection
# to each until both listen, then the clients once go2 is
cat > "$T_TMP/connect.py" <<'PYEOF'
import socket, sys
for p in sys.argv[1:]:
    socket.create_connection(("127.0.0.1", int(p)), 1).close()
PYEOF
cat > "$T_TMP/drv.sh" <<DRVEOF
read x < $T_TMP/go1
node $RAWTEL_TOP/tests/integ/tls_late_srv.js $NP $D/cert.pem $D/key.pem &
echo \$! > $T_TMP/node.pid
LD_LIBRARY_PATH=$T_TMP/lib $PY $RAWTEL_TOP/tests/integ/tls_late_srv.py $PP $D/cert.pem $D/key.pem &
echo \$! > $T_TMP/py.pid
i=0
until $PY $T_TMP/connect.py $NP $PP 2> /dev/null || [ \$i -ge 100 ]; do sleep 0.1; i=\$((i + 1)); done
echo \$i > $T_TMP/ready
read x < $T_TMP/go2
for s in n:$NP p:$PP; do
	curl -sk --max-time 10 --rate 2/s -w '%{local_port}\n' -o /dev/null -o /dev/null \
		"https://127.0.0.1:\${s#*:}/\${s%%:*}/hello" "https://127.0.0.1:\${s#*:}/\${s%%:*}/missing" \
		> $T_TMP/\${s%%:*}.ports
done
echo done > $T_TMP/done
DRVEOF
sh "$T_TMP/drv.sh" > "$T_TMP/drv.out" 2>&1 &
drv=$!; track_pid $drv

"$RAWTEL" run --no-status --probes http --pid $drv --output "$T_TMP/out" --no-spool \
	> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/run.err" "running:" 300; then fail $N "rawtel run did not start: $(cat "$T_TMP/run.err")"; exit 0; fi
echo go > "$T_TMP/go1"
if ! wait_for "$T_TMP/ready" . 150; then fail $N "the servers did not start: $(cat "$T_TMP/drv.out")"; exit 0; fi
track_pid "$(cat "$T_TMP/node.pid")"; track_pid "$(cat "$T_TMP/py.pid")"
if [ "$(cat "$T_TMP/ready")" -ge 100 ]; then fail $N "the servers did not listen: $(cat "$T_TMP/drv.out")"; exit 0; fi
if ! wait_for "$T_TMP/run.err" "TLS functions probed in .*node" 100 ||
   ! wait_for "$T_TMP/run.err" "TLS functions probed in .*$T_TMP/lib/libssl" 100; then
	fail $N "the late files were not probed: $(cat "$T_TMP/run.err")"; exit 0
fi
echo go > "$T_TMP/go2"
if ! wait_for "$T_TMP/done" . 150; then fail $N "the clients did not finish: $(cat "$T_TMP/drv.out")"; exit 0; fi
sleep 0.5
kill -INT $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail $N "rawtel run exited $rc: $(tail -n 5 "$T_TMP/run.err")"; exit 0; fi
cat > "$T_TMP/scenario.json" <<SCEOF
{"node": $(cat "$T_TMP/node.pid"), "py": $(cat "$T_TMP/py.pid"), "n_port": $NP, "p_port": $PP,
 "n_local": [$(paste -sd, "$T_TMP/n.ports")], "p_local": [$(paste -sd, "$T_TMP/p.ports")],
 "late_lines": $(grep -c "TLS functions probed in" "$T_TMP/run.err")}
SCEOF
node "$RAWTEL_TOP/tests/node/check-run-tls-late.js" $N "$T_TMP/out" "$T_TMP/scenario.json"
