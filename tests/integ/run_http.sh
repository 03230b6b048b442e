#!/bin/sh
# rawtel run --probes http end to end: nginx serving files and proxying to
# python3 -m http.server, driven by curl and a small client; every OTLP
# request decoded by the OpenTelemetry project's code and checked
# (tests/node/check-run-http.js): the exact SERVER spans of nginx and
# python, nginx's CLIENT span as the child of its SERVER span, one trace
# across both processes when curl sends a traceparent, the duration
# histograms, keep-alive, pipelining, a chunked response, a 404, a 500, a
# request in 1-byte writes, 2 MB each way. No secret reaches the output.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
CLIENT="$RAWTEL_TOP/tests/progs/rtt_http_client.py"
TRACE=0af7651916cd43dd8448eb211c80319c
PARENT=b7ad6b7169203331

need_node run_http || exit 0
need_cmds run_http nginx curl python3 || exit 0
require_bpf run_http || exit 0

otlp_receiver "$T_TMP/" 180000 "$T_TMP/rlog"

if ! http_env_start "$T_TMP/env"; then fail run_http "nginx/python did not start"; exit 0; fi
track_pid "$NG_PID"; track_pid "$PY_PID"

OTEL_BSP_SCHEDULE_DELAY=500 "$RAWTEL" run --no-status --probes http --endpoint "http://127.0.0.1:$rport" \
	--no-spool --metric-interval 1000 --route /api/{file} > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail run_http "rawtel run did not start: $(cat "$T_TMP/rt.err")"; exit 0
fi

base="http://127.0.0.1:$NG_PORT"
c() { curl -s -o /dev/null -w '%{http_code} ' --max-time 10 "$@" >> "$T_TMP/codes"; }
c "$base/static/hello.txt"
# the receiver is traced like any server: a request of someone else's is
# a span, rawtel's own exports to it are not
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$rport/health"
c -H "traceparent: 00-$TRACE-$PARENT-01" -H "tracestate: rt=1" "$base/api/data.txt"
c "$base/api/data2.txt"
c "$base/static/missing.txt"
c "$base/api/missing.txt"
c "$base/fail"
# keep-alive: ten requests on one connection
# (curl's -o applies to one URL: each has its own)
set --; for k in 1 2 3 4 5 6 7 8 9 10; do set -- "$@" -o /dev/null "$base/static/ka.txt"; done
c "$@"
python3 "$CLIENT" pipeline "$NG_PORT" /static/p1.txt /static/p2.txt /static/p3.txt > "$T_TMP/pipe.json"
c --compressed "$base/gz/text.txt"
python3 "$CLIENT" split "$NG_PORT" /static/split.txt > "$T_TMP/split.json"
c "$base/static/big.bin"
head -c 2097152 /dev/zero > "$T_TMP/2m"
c --data-binary @"$T_TMP/2m" "$base/upload"
# secrets in headers and the query: never exported
c -H "Authorization: Bearer RtSecretTok3n" -H "Cookie: sid=RtC00kieVal" "$base/static/hello.txt?pw=RtQu3ryVal"
sleep 1.5
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail run_http "rawtel run exited $rc: $(tail -n 5 "$T_TMP/rt.err")"; exit 0; fi

cat > "$T_TMP/scenario.json" <<EOF
{"nginx": $NG_PID, "python": $PY_PID, "receiver": $rcv, "ng_port": $NG_PORT, "py_port": $PY_PORT,
 "trace": "$TRACE", "parent": "$PARENT", "codes": "$(cat "$T_TMP/codes")",
 "pipe": $(cat "$T_TMP/pipe.json" 2>/dev/null || echo null),
 "split": $(cat "$T_TMP/split.json" 2>/dev/null || echo null),
 "access_lines": $(wc -l < "$T_TMP/env/access.log")}
EOF
# a checker that crashed printed no verdict: that is a failure too
if ! node_check run_http check-run-http.js run_http "$T_TMP/bodies" "$T_TMP/scenario.json"; then
	echo "--- rawtel:"; tail -n 5 "$T_TMP/rt.err"
fi
if grep -rqa -e RtSecretTok3n -e RtC00kieVal -e RtQu3ryVal "$T_TMP/bodies"; then
	fail run_http_secrets "a secret reached the OTLP output"
else
	pass run_http_secrets
fi
http_env_stop
