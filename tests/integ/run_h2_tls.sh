#!/bin/sh
# rawtel run --probes http on HTTP/2 over TLS (ALPN h2), the plaintext from
# the libssl uprobes (kern/tls.S) going through the same HTTP/2 parser as
# h2c: nghttp and curl --http2 against nghttpd, curl and a gRPC client
# (grpcio) against nginx (`listen ... ssl http2`) proxying /up/ to an HTTP/1
# server (proxy_pass) and gRPC to an h2c server (grpc_pass), a certificate
# made here (openssl req). Exact spans (tests/node/check-run-h2-tls.js):
# names, status, url.scheme https, peers against curl's and nginx's own
# accounts, the caller's trace, nginx's upstream CLIENT spans the children
# of its SERVER spans. Then rawtel trace http: nghttpd's streams, PROTO 2,
# marked tls.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
FX="$RAWTEL_TOP/tests/fixtures/h2"
PY=/usr/bin/python3
N=run_h2_tls

if ! command -v node > /dev/null || [ ! -d "$NODE_DIR/node_modules/@opentelemetry" ]; then
	fail $N "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"; exit 0
fi
for c in nghttpd nghttp curl nginx openssl; do
	if ! command -v $c > /dev/null; then fail $N "$c is missing: run scripts/install-deps test"; exit 0; fi
done
if ! $PY -c 'import grpc' 2> /dev/null; then
	fail $N "python3-grpcio is missing: run scripts/install-deps test"; exit 0
fi
require_bpf $N || exit 0

D=$T_TMP/d
mkdir -p "$D/www" "$D/tmp"
if ! http_tls_cert "$D"; then fail $N "openssl req: $(cat "$D/openssl.out")"; exit 0; fi
printf 'hello h2\n' > "$D/www/index.html"
printf 'two\n' > "$D/www/two.txt"
printf 'hello nginx\n' > "$D/www/hello.txt"
head -c 40000 /dev/zero | tr '\0' a > "$D/www/big.txt"

otlp_receiver "$T_TMP/" 60000 "$T_TMP/rlog"

NDPORT=$(http_free_port); NGPORT=$(http_free_port); BEPORT=$(http_free_port); GPORT=$(http_free_port)
# nginx 1.25.1 and later: `http2 on;` (the listen parameter is deprecated)
v=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9]*\)\.\([0-9]*\)\.\([0-9]*\).*|\1 \2 \3|p')
set -- $v
if [ "${1:-1}" -gt 1 ] || [ "${2:-0}" -gt 25 ] || { [ "${2:-0}" -eq 25 ] && [ "${3:-0}" -ge 1 ]; }; then
	LISTEN="listen 127.0.0.1:$NGPORT ssl; http2 on;"
else
	LISTEN="listen 127.0.0.1:$NGPORT ssl http2;"
fi
{ http_nginx_head "$D" "master_process off;" 64 '$remote_port $uri $status'
cat <<EOF
	types { text/plain txt; }
	server {
		$LISTEN
		ssl_certificate $D/cert.pem;
		ssl_certificate_key $D/key.pem;
		root $D/www;
		location /up/ { proxy_pass http://127.0.0.1:$BEPORT/; }
		location /rawtel.test.Demo/ { grpc_pass grpc://127.0.0.1:$GPORT; }
	}
}
EOF
} > "$D/nginx.conf"
nghttpd -d "$D/www" "$NDPORT" "$D/key.pem" "$D/cert.pem" > "$T_TMP/nghttpd.log" 2>&1 &
ngd=$!; track_pid $ngd
nginx -p "$D" -c "$D/nginx.conf" > "$D/nginx.out" 2>&1 &
ngx=$!; track_pid $ngx
(cd "$D/www" && exec $PY -m http.server "$BEPORT" --bind 127.0.0.1 > /dev/null 2>&1) &
be=$!; track_pid $be
$PY "$FX/grpc_peer.py" server "$GPORT" > "$T_TMP/grpc.log" 2>&1 &
gs=$!; track_pid $gs
for p in $NDPORT $NGPORT $BEPORT $GPORT; do
	http_wait_port $p || { fail $N "a server did not start (port $p): $(cat "$D/nginx.out" "$D/error.log")"; exit 0; }
done

OTEL_BSP_SCHEDULE_DELAY=500 "$RAWTEL" run --no-status --probes http --endpoint "http://127.0.0.1:$rport" \
	--no-spool --metric-interval 1000 > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail $N "rawtel run did not start: $(cat "$T_TMP/rt.err")"; exit 0
fi

TP=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
NB=https://127.0.0.1:$NDPORT
nghttp -n -H "traceparent: $TP" "$NB/index.html" "$NB/big.txt" "$NB/missing" > "$T_TMP/nghttp.out" 2>&1 &
ngc=$!; wait $ngc
# two streams on one connection, 0.5 s apart: open long enough for
# rawtel to read nghttpd's accept (made without a sockaddr) while it lives
curl -sk --http2 --rate 2/s --max-time 10 -w '%{local_port} %{http_version}\n' -o /dev/null -o /dev/null \
	"$NB/index.html" "$NB/two.txt" > "$T_TMP/curl_nd.out" &
cnd=$!; wait $cnd
GB=https://127.0.0.1:$NGPORT
curl -sk --http2 --max-time 10 -H "traceparent: $TP" -w '%{local_port} %{http_version}\n' -o /dev/null -o /dev/null \
	"$GB/hello.txt" "$GB/up/hello.txt" > "$T_TMP/curl_ng.out" &
cng=$!; wait $cng
$PY "$RAWTEL_TOP/tests/integ/h2_grpc_tls.py" "$NGPORT" "$D/cert.pem" \
	00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 > "$T_TMP/grpcc.out" 2>&1 &
gc=$!; wait $gc
sleep 1.5
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail $N "rawtel run exited $rc: $(tail -n 5 "$T_TMP/rt.err")"; exit 0; fi
for f in curl_nd curl_ng; do
	if [ "$(awk '{print $2}' "$T_TMP/$f.out" | sort -u)" != 2 ]; then
		fail $N "$f did not speak HTTP/2 twice: $(cat "$T_TMP/$f.out")"; exit 0
	fi
done
grep -q "^Fail StatusCode.NOT_FOUND" "$T_TMP/grpcc.out" || { fail $N "the gRPC client: $(cat "$T_TMP/grpcc.out")"; exit 0; }

cat > "$T_TMP/scenario.json" <<EOF
{"nghttpd": $ngd, "nghttp": $ngc, "curl_nd": $cnd, "nginx": $ngx, "curl_ng": $cng, "backend": $be,
 "grpc_server": $gs, "nd_port": $NDPORT, "ng_port": $NGPORT, "be_port": $BEPORT, "grpc_port": $GPORT,
 "curl_ports": [$(awk '{print $1}' "$T_TMP/curl_nd.out" | sort -u | paste -sd,)],
 "ngx_log": [$(awk '{printf "%s[%s,\"%s\",%s]", s, $1, $2, $3; s = ","}' "$D/access.log")]}
EOF
node "$NODE_DIR/check-run-h2-tls.js" $N "$T_TMP/bodies" "$T_TMP/scenario.json" > "$T_TMP/check.out" 2>&1
rc=$?
cat "$T_TMP/check.out"
[ $rc -eq 0 ] || grep -q "^FAIL" "$T_TMP/check.out" || fail $N "the checker exited $rc"

# rawtel trace http on nghttpd: PROTO 2, marked tls, each stream's status
N=trace_h2_tls
trace_bg $N 300 http --pid $ngd || exit 0
nghttp -n "$NB/index.html" "$NB/missing" > /dev/null 2>&1
stop_trace $N || exit 0
got=$($PY - "$T_TMP/$N.jsonl" <<'EOF'
import json, sys
print(sorted((e["role"], e["proto"], e["tls"], e["method"], e["path"], e["status"])
             for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "http"))
EOF
)
want="[('server', '2', True, 'GET', '/index.html', 200), ('server', '2', True, 'GET', '/missing', 404)]"
if [ "$got" = "$want" ]; then pass "$N (2 streams)"; else fail $N "got $got, want $want"; fi
