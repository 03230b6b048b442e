#!/bin/sh
# rawtel run end to end: kernel events -> OTLP -> a receiver (or files)
# decoded by the OpenTelemetry project's own code, checked field by field
# (tests/node/check-run.js): HTTP with protobuf and JSON, the default files
# directory, protobuf files, service name and resource attributes from the
# environment, gzip bodies (inflated by the receiver; spooled gzipped while
# the collector is away, then replayed), and nothing lost at SIGTERM with
# batches pending.
. "$RAWTEL_TOP/tests/lib.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
DRIVER="$RAWTEL_PROGS/rtt_driver"

need_node run_otlp || exit 0

# start_receiver NAME: a receiver keeping bodies in $T_TMP/NAME.bodies;
# sets $port
start_receiver() {
	otlp_receiver "$T_TMP/$1." 180000 "$T_TMP/$1.rlog"
	port=$rport
}

# drive NAME [rawtel run options]: run rawtel, the driver once, then SIGTERM
# (env for rawtel comes from the caller's environment). The probes are
# exec,exit unless the options name others (the last --probes wins): the
# checks read process records and self-metrics, not the whole machine's
# HTTP, DNS and TCP that rawtel run's default set would add.
drive() {
	name=$1; shift
	run_driven "$name" "$RAWTEL" run --no-status --probes exec,exit "$@"
}

check() { node "$NODE_DIR/check-run.js" "$@"; }

require_bpf run_http_protobuf || exit 0

start_receiver pb
drive run_http_protobuf --endpoint "http://127.0.0.1:$port" --probes exec,exit,open \
	--capture-args --no-spool &&
	check run_http_protobuf "$T_TMP/pb.bodies" "$T_TMP/run_http_protobuf.pids" \
		--format protobuf --capture-args --open
if grep -q '"user-agent":"rawtel/' "$T_TMP/pb.rlog" && grep -q '"ctype":"application/x-protobuf"' "$T_TMP/pb.rlog"; then
	pass run_http_headers
else fail run_http_headers "no rawtel User-Agent / protobuf content type: $(head -c 400 "$T_TMP/pb.rlog")"; fi

start_receiver js
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port/" OTEL_EXPORTER_OTLP_PROTOCOL=http/json \
	drive run_http_json --no-spool &&
	check run_http_json "$T_TMP/js.bodies" "$T_TMP/run_http_json.pids" --format json

# gzip bodies (inflated by the receiver with Node's zlib before the oracle
# decodes them), set from a --config file that also turns the spool off
start_receiver gz
printf '# rawtel\nOTEL_EXPORTER_OTLP_COMPRESSION=gzip\nRAWTEL_NO_SPOOL=1\n' > "$T_TMP/gz.conf"
chmod 600 "$T_TMP/gz.conf"
drive run_http_gzip --config "$T_TMP/gz.conf" --endpoint "http://127.0.0.1:$port" &&
	check run_http_gzip "$T_TMP/gz.bodies" "$T_TMP/run_http_gzip.pids" --format protobuf
if grep -q '"content-encoding":"gzip"' "$T_TMP/gz.rlog" && ! grep -q '"ok":false' "$T_TMP/gz.rlog"; then
	pass run_http_gzip_encoding
else fail run_http_gzip_encoding "no gzip request, or one the receiver refused: $(head -c 400 "$T_TMP/gz.rlog")"; fi

# no endpoint, no --output: ./rawtel-out/, and rawtel says so
mkdir -p "$T_TMP/cwd"
if (unset OTEL_EXPORTER_OTLP_ENDPOINT; cd "$T_TMP/cwd" && drive run_files_default); then
	if grep -q "writing OTLP files to ./rawtel-out/" "$T_TMP/run_files_default.err" &&
	   [ "$(stat -c %a "$T_TMP/cwd/rawtel-out/logs.jsonl")" = 600 ]; then
		pass run_files_default_message
	else
		fail run_files_default_message "no notice or not 0600: $(cat "$T_TMP/run_files_default.err")"
	fi
	check run_files_default "$T_TMP/cwd/rawtel-out" "$T_TMP/run_files_default.pids"
fi

OTEL_SERVICE_NAME=svc-under-test OTEL_RESOURCE_ATTRIBUTES="deployment.environment=test,team=a%20b" \
	drive run_files_proto --output "$T_TMP/proto.d" --format proto &&
	check run_files_proto "$T_TMP/proto.d" "$T_TMP/run_files_proto.pids" --service svc-under-test \
		--res "deployment.environment=test,team=a b"

# gzip with the collector away: the spool files hold the gzip bodies as
# they would be sent (header, then 1f 8b..., inflated by Python's zlib into
# protobuf); a second rawtel replays them to the receiver, Content-Encoding
# gzip, and the first run's processes are all in what it received
sp=$T_TMP/gzspool
drive run_gzip_spool --endpoint http://127.0.0.1:1 --compression gzip --spool "$sp" &&
if python3 - "$sp" > "$T_TMP/gzspool.out" 2>&1 <<'PY'
import gzip, os, sys
n = 0
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        b = open(os.path.join(d, f), "rb").read()
        assert b[:8] == b"RTSPOOL1" and b[9] == 1 and b[16:18] == b"\x1f\x8b", (f, b[:18])
        assert len(gzip.decompress(b[16:])) > 0
        n += 1
assert n > 0, "no spool file"
print(n)
PY
then
	start_receiver gzsp
	# its own batches wait for the end: the first requests are the spool's
	OTEL_BLRP_SCHEDULE_DELAY=600000 OTEL_METRIC_EXPORT_INTERVAL=600000 \
	"$RAWTEL" run --no-status --endpoint "http://127.0.0.1:$port" --compression gzip --spool "$sp" \
		--probes exit --duration 3 > /dev/null 2> "$T_TMP/gzsp.err"
	mkdir -p "$T_TMP/gzsp.replayed"
	for f in $(ls "$T_TMP/gzsp.bodies" | sort -n | head -n "$(cat "$T_TMP/gzspool.out")"); do
		cp "$T_TMP/gzsp.bodies/$f" "$T_TMP/gzsp.replayed/"
	done
	if grep -q '"content-encoding":"gzip"' "$T_TMP/gzsp.rlog" && ! grep -q '"ok":false' "$T_TMP/gzsp.rlog"; then
		check run_gzip_spool "$T_TMP/gzsp.replayed" "$T_TMP/run_gzip_spool.pids" --format protobuf
	else fail run_gzip_spool "no gzip replay, or one refused: $(head -c 300 "$T_TMP/gzsp.rlog") $(cat "$T_TMP/gzsp.err")"; fi
else fail run_gzip_spool "spool files: $(tail -n 3 "$T_TMP/gzspool.out")"; fi

# batches that would wait minutes: SIGTERM still delivers every record
start_receiver late
OTEL_BLRP_SCHEDULE_DELAY=600000 OTEL_METRIC_EXPORT_INTERVAL=600000 \
	drive run_sigterm_flush --endpoint "http://127.0.0.1:$port" --no-spool &&
	check run_sigterm_flush "$T_TMP/late.bodies" "$T_TMP/run_sigterm_flush.pids"

# DNS lookups and function calls as spans, and dns.lookup.duration
start_receiver sp
"$RAWTEL" run --no-status --endpoint "http://127.0.0.1:$port" --no-spool --probes dns \
	--uprobe "$RAWTEL_PROGS/rtt_dns:rtt_target_fn" > "$T_TMP/sp.out" 2> "$T_TMP/sp.err" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/sp.err" "running:" 200; then
	"$RAWTEL_PROGS/rtt_dns" 4 > "$T_TMP/sp.run"
	sleep 0.5
	kill -TERM $rt; wait $rt
	node "$NODE_DIR/check-run-spans.js" run_dns_uprobe_spans "$T_TMP/sp.bodies" "$T_TMP/sp.run" 4
else
	fail run_dns_uprobe_spans "rawtel run did not start: $(cat "$T_TMP/sp.err")"
fi

# TCP connections, resets and their metrics (retransmissions: tcp_retrans.sh)
start_receiver tcp
"$RAWTEL" run --no-status --endpoint "http://127.0.0.1:$port" --no-spool --probes tcp,retrans \
	> "$T_TMP/tcp.out" 2> "$T_TMP/tcp.err" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/tcp.err" "running:" 200; then
	"$RAWTEL_PROGS/rtt_tcp" life 127.0.0.1 3 100 > "$T_TMP/tcp.life" &&
		"$RAWTEL_PROGS/rtt_tcp" refused 127.0.0.1 > "$T_TMP/tcp.refused" &&
		"$RAWTEL_PROGS/rtt_tcp" abort 127.0.0.1 > "$T_TMP/tcp.abort"
	sleep 0.5
	kill -TERM $rt; wait $rt
	node "$NODE_DIR/check-run-tcp.js" run_tcp_metrics "$T_TMP/tcp.bodies" life "$T_TMP/tcp.life" \
		"$T_TMP/tcp.refused" "$T_TMP/tcp.abort"
else
	fail run_tcp_metrics "rawtel run did not start: $(cat "$T_TMP/tcp.err")"
fi
