#!/bin/sh
# rawtel trace http on HTTP/2 with real programs on loopback: nghttp
# against nghttpd (h2c by prior knowledge, three concurrent streams on one
# connection, a traceparent), curl --http2-prior-knowledge (GET, POST),
# curl --http2 upgrading to h2c (python3-h2 server: stream 1 is the
# upgraded request; the server waits in accept() when tracing starts), and
# a python3-grpcio server and client (unary, server streaming, an error
# status, a deadline; its first header block is a sendmsg of 26 iovecs)
# with generic handlers; both sides of each, checked by
# tests/integ/check_h2.py. h2 over TLS
# needs TLS capture: not here.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
CHECK="$RAWTEL_TOP/tests/integ/check_h2.py"
FX="$RAWTEL_TOP/tests/fixtures/h2"
PY=/usr/bin/python3

need_cmds trace_h2 nghttpd nghttp curl || exit 0
need_py trace_h2 "python3-grpcio or python3-h2" "grpc, h2" || exit 0
require_bpf trace_h2 || exit 0

start_trace() { trace_bg "$1" 300 http; }

http_nghttpd "$T_TMP/www"
rc=$?
track_pid $ngd
[ $rc -eq 0 ] || { fail trace_h2 "nghttpd did not start: $(cat "$T_TMP/www.log")"; exit 0; }

name=h2_nghttp
if start_trace $name; then
	nghttp -n -H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" \
		"http://127.0.0.1:$NGPORT/index.html" "http://127.0.0.1:$NGPORT/big.txt" \
		"http://127.0.0.1:$NGPORT/missing" > "$T_TMP/nghttp.out" 2>&1 &
	cl=$!; wait $cl
	stop_trace $name && python3 "$CHECK" nghttp $name "$T_TMP/$name.jsonl" $ngd $cl
fi

name=h2_curl_prior
if start_trace $name; then
	curl -s --max-time 10 --http2-prior-knowledge -o /dev/null "http://127.0.0.1:$NGPORT/index.html" &
	cl=$!; wait $cl
	curl -s --max-time 10 --http2-prior-knowledge -o /dev/null -d x=1 "http://127.0.0.1:$NGPORT/index.html" &
	cl2=$!; wait $cl2
	stop_trace $name && python3 "$CHECK" curl $name "$T_TMP/$name.jsonl" $ngd $cl $cl2
fi

# the upgrade server waits in accept() when tracing starts: the connection
# that accept returns is followed too
name=h2c_upgrade
UPPORT=$(http_free_port)
$PY "$FX/h2c_upgrade_server.py" "$UPPORT" > "$T_TMP/up.log" 2>&1 &
ups=$!; track_pid $ups
if ! http_wait_listen "$UPPORT"; then
	fail $name "the h2c server did not start: $(cat "$T_TMP/up.log")"
elif start_trace $name; then
	curl -s --max-time 10 --http2 -o /dev/null "http://127.0.0.1:$UPPORT/up.txt" -o /dev/null \
		"http://127.0.0.1:$UPPORT/second" &
	cl=$!; wait $cl
	stop_trace $name && python3 "$CHECK" upgrade $name "$T_TMP/$name.jsonl" $ups $cl "$UPPORT"
fi

name=h2_grpc
GPORT=$(http_free_port)
$PY "$FX/grpc_peer.py" server "$GPORT" > "$T_TMP/grpc.log" 2>&1 &
gs=$!; track_pid $gs
if ! http_wait_port "$GPORT"; then
	fail $name "the gRPC server did not start: $(cat "$T_TMP/grpc.log")"
elif start_trace $name; then
	$PY "$FX/grpc_peer.py" client "$GPORT" > "$T_TMP/grpcc.out" 2>&1 &
	cl=$!; wait $cl
	stop_trace $name && python3 "$CHECK" grpc $name "$T_TMP/$name.jsonl" $gs $cl
fi
