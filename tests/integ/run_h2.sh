#!/bin/sh
# rawtel run --probes http on HTTP/2 and gRPC end to end, every OTLP
# request decoded by the OpenTelemetry project's code and checked
# (tests/node/check-run-h2.js): nghttp against nghttpd with a traceparent
# (SERVER and CLIENT spans per stream, in the caller's trace), curl
# --http2 upgrading to h2c, an h2c server making an HTTP/1 call while
# serving (the call is the child of the HTTP/2 request), a python3-grpcio
# server and client (RPC spans, status codes, message counts), and the
# http and rpc duration histograms. The upgrade server and the proxy wait
# in accept() when rawtel starts: the connections those calls return are
# followed too. h2 over TLS needs TLS capture: not here.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
FX="$RAWTEL_TOP/tests/fixtures/h2"
PY=/usr/bin/python3

need_node run_h2 || exit 0
need_cmds run_h2 nghttpd nghttp curl || exit 0
need_py run_h2 "python3-grpcio or python3-h2" "grpc, h2" || exit 0
require_bpf run_h2 || exit 0

otlp_receiver "$T_TMP/" 60000 "$T_TMP/rlog"

# nghttpd's port is waited for with the others'
http_nghttpd "$T_TMP/www"
track_pid $ngd
UPPORT=$(http_free_port); PXPORT=$(http_free_port); BEPORT=$(http_free_port); GPORT=$(http_free_port)
$PY "$FX/h2c_upgrade_server.py" "$UPPORT" > "$T_TMP/up.log" 2>&1 &
ups=$!; track_pid $ups
(cd "$T_TMP/www" && exec python3 -m http.server "$BEPORT" --bind 127.0.0.1 > /dev/null 2>&1) &
be=$!; track_pid $be
$PY "$RAWTEL_TOP/tests/integ/h2_proxy.py" "$PXPORT" "http://127.0.0.1:$BEPORT/index.html" \
	> "$T_TMP/proxy.log" 2>&1 &
px=$!; track_pid $px
$PY "$FX/grpc_peer.py" server "$GPORT" > "$T_TMP/grpc.log" 2>&1 &
gs=$!; track_pid $gs
for p in $NGPORT $BEPORT $PXPORT $GPORT; do
	http_wait_port $p || { fail run_h2 "a server did not start (port $p)"; exit 0; }
done
http_wait_listen $UPPORT || { fail run_h2 "the upgrade server did not start: $(cat "$T_TMP/up.log")"; exit 0; }

OTEL_BSP_SCHEDULE_DELAY=500 "$RAWTEL" run --no-status --probes http --endpoint "http://127.0.0.1:$rport" \
	--no-spool --metric-interval 1000 > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail run_h2 "rawtel run did not start: $(cat "$T_TMP/rt.err")"; exit 0
fi

nghttp -n -H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" \
	"http://127.0.0.1:$NGPORT/index.html" "http://127.0.0.1:$NGPORT/big.txt" \
	"http://127.0.0.1:$NGPORT/missing" > "$T_TMP/nghttp.out" 2>&1 &
ngc=$!; wait $ngc
curl -s --max-time 10 --http2 -o /dev/null "http://127.0.0.1:$UPPORT/up.txt" -o /dev/null "http://127.0.0.1:$UPPORT/second" &
upc=$!; wait $upc
curl -s --http2-prior-knowledge -o /dev/null --max-time 10 "http://127.0.0.1:$PXPORT/proxy" &
pxc=$!; wait $pxc
$PY "$FX/grpc_peer.py" client "$GPORT" > "$T_TMP/grpcc.out" 2>&1 &
gc=$!; wait $gc
sleep 1.5
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail run_h2 "rawtel run exited $rc: $(tail -n 5 "$T_TMP/rt.err")"; exit 0; fi

cat > "$T_TMP/scenario.json" <<EOF
{"nghttpd": $ngd, "nghttp": $ngc, "up_server": $ups, "up_client": $upc, "up_port": $UPPORT,
 "proxy": $px, "proxy_client": $pxc, "backend": $be, "grpc_server": $gs, "grpc_client": $gc,
 "ng_port": $NGPORT}
EOF
node_check run_h2 check-run-h2.js run_h2 "$T_TMP/bodies" "$T_TMP/scenario.json"
