#!/bin/sh
# rawtel run --probes http under load: wrk against nginx for a few seconds.
# Every request nginx served (its access log) is a SERVER span rawtel
# exported, or the shortfall is no more than what rawtel reports lost
# (rawtel.events.lost, rawtel.http.events lost_state/reorder_late, spans
# dropped before export): nothing vanishes silently. Both paths: the BPF
# ring buffer and per-CPU perf buffers; then perf buffers too small for
# the load, where records are lost for sure: each span is then right or
# flagged partial (the losses found by stream offset, fed as gaps), never
# a response paired with the wrong request (tests/node/check-run-http-load.js).
# Then nginx over TLS (wrk over https, nginx's libssl probed): every
# request a span with url.scheme https and its peer, or a counted loss.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
SECS=${RAWTEL_LOAD_SECS:-3}

if ! command -v node > /dev/null || [ ! -d "$NODE_DIR/node_modules/@opentelemetry" ]; then
	fail run_http_load "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"
	exit 0
fi
for c in nginx wrk python3 openssl; do
	if ! command -v $c > /dev/null; then
		fail run_http_load "$c is missing: run scripts/install-deps test"; exit 0
	fi
done
require_bpf run_http_load || exit 0

# load NAME [rawtel options]; MIN_LOST: the losses the options force
load() {
	name=$1; shift
	otlp_receiver "$T_TMP/$name." 120000 /dev/null
	HE_TLS=0; [ "$scheme" = http ] || HE_TLS=1
	if ! http_env_start "$T_TMP/$name.env"; then fail "$name" "nginx did not start"; return; fi
	track_pid "$NG_PID"; track_pid "$PY_PID"
	"$RAWTEL_REL" run --no-status --probes http --pid "$NG_PID" --no-spool \
		--endpoint "http://127.0.0.1:$rport" "$@" \
		> "$T_TMP/$name.out" 2> "$T_TMP/$name.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$name.err" "running:" 300; then
		fail "$name" "rawtel run did not start: $(cat "$T_TMP/$name.err")"; http_env_stop; return
	fi
	wrk -t2 -c20 -d"${SECS}s" "$scheme://127.0.0.1:$NG_PORT/static/hello.txt" > "$T_TMP/$name.wrk" 2>&1
	sleep 1
	kill -TERM $rt; wait $rt
	served=$(wc -l < "$T_TMP/$name.env/access.log")
	ng=$NG_PID	# http_env_stop clears it
	http_env_stop
	kill $rcv; wait $rcv 2>/dev/null
	node "$NODE_DIR/check-run-http-load.js" "$name" "$T_TMP/$name.bodies" "$ng" "$served" \
		"$T_TMP/$name.wrk" "${MIN_LOST:-0}" "$scheme" || tail -n 3 "$T_TMP/$name.err"
}

scheme=http
load run_http_load_ring
load run_http_load_perf --perf-buffer
MIN_LOST=1 load run_http_load_lossy --perf-buffer --perf-pages 2
scheme=https
load run_http_load_tls
