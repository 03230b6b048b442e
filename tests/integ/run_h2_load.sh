#!/bin/sh
# rawtel run --probes http under HTTP/2 load: h2load (nghttp2-client) opens
# M h2c connections to nghttpd and sends N requests, S concurrent streams
# each. Every stream h2load completed is a SERVER span of nghttpd's that
# rawtel exported, or a loss rawtel counted (rawtel.events.lost,
# rawtel.http.events, rawtel.proto.events of http2, spans dropped); spans
# are right (path, status 200) or flagged partial, never another stream's
# (tests/node/check-run-h2-load.js). --capture-bytes 4096: nghttpd writes
# the responses of up to 16 streams in one call, past the default 512 (README
# Limits). Ring buffer, then perf buffers too small for the load (losses
# forced, the streams missing bounded by them).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
: "${RAWTEL_REL:=$RAWTEL_TOP/rawtel}"
REQS=${RAWTEL_H2_LOAD_REQS:-20000}
STREAMS=16

if ! command -v node > /dev/null || [ ! -d "$NODE_DIR/node_modules/@opentelemetry" ]; then
	fail run_h2_load "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"
	exit 0
fi
for c in nghttpd h2load; do
	if ! command -v $c > /dev/null; then fail run_h2_load "$c is missing: run scripts/install-deps test"; exit 0; fi
done
require_bpf run_h2_load || exit 0

mkdir -p "$T_TMP/www"
printf 'hello h2 load\n' > "$T_TMP/www/hello.txt"

# load NAME [rawtel options]; MIN_LOST: the losses the options force
load() {
	name=$1; shift
	otlp_receiver "$T_TMP/$name." 60000 /dev/null
	port=$(http_free_port)
	nghttpd --no-tls -d "$T_TMP/www" "$port" > "$T_TMP/$name.ngd" 2>&1 &
	ngd=$!; track_pid $ngd
	i=0
	while ! h2load -n 1 "http://127.0.0.1:$port/hello.txt" > /dev/null 2>&1 && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	"$RAWTEL_REL" run --no-status --probes http --pid $ngd --no-spool --capture-bytes "${CAP:-4096}" --compression gzip \
		--endpoint "http://127.0.0.1:$rport" "$@" \
		> "$T_TMP/$name.out" 2> "$T_TMP/$name.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$name.err" "running:" 300; then
		fail "$name" "rawtel run did not start: $(cat "$T_TMP/$name.err")"; kill $ngd; return
	fi
	timeout 30 h2load -n "$REQS" -c 8 -m $STREAMS "http://127.0.0.1:$port/hello.txt" > "$T_TMP/$name.h2load" 2>&1
	sleep 1
	kill -TERM $rt; wait $rt
	kill $ngd $rcv; wait $ngd $rcv 2> /dev/null
	node "$NODE_DIR/check-run-h2-load.js" "$name" "$T_TMP/$name.bodies" "$ngd" \
		"$T_TMP/$name.h2load" $STREAMS "${MIN_LOST:-0}" || tail -n 3 "$T_TMP/$name.err"
}

load run_h2_load_ring --ring-size 8M
CAP=512 load run_h2_load_cap512 --ring-size 8M
CAP=96 load run_h2_load_cap96 --ring-size 8M
MIN_LOST=1 load run_h2_load_lossy --perf-buffer --perf-pages 2
