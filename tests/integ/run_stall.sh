#!/bin/sh
# rawtel run with every probe under full load while the OTLP receiver
# stalls (SIGSTOP for 6 s, then SIGCONT): issue 15's peak "while the
# receiver lagged". The export queue fills and, past its bound (1 MiB over
# all signals), the oldest requests are dropped and counted. Checks:
# - peak RSS (VmHWM) under 8 MB for the static build (its own allocator;
#   `make static` first), under 16 MB for ./rawtel (the C library's
#   malloc keeps freed blocks in its heap: not the goal's binary);
# - the stall dropped requests (the path was exercised), and every
#   exported span reached the receiver or is in the dropped count, exactly;
# - every request nginx served is a span, or the shortfall is no more than
#   the events counted lost in the kernel.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
n=run_stall
for c in nginx wrk python3; do
	command -v $c > /dev/null || { fail $n "$c is missing: run scripts/install-deps test"; exit 0; }
done
require_bpf $n || exit 0
bin=$RAWTEL_TOP/build/static/rawtel bound=8192
# a static build older than the sources is not the one to judge
if [ ! -x "$bin" ] || [ -n "$(find "$RAWTEL_TOP/user" "$RAWTEL_TOP/include" "$RAWTEL_TOP/kern" \
	-newer "$bin" -name '*.[chS]' | head -n 1)" ]; then bin=$RAWTEL_REL bound=16384; fi

python3 "$RAWTEL_TOP/scripts/bench/otlp_sink.py" "$T_TMP/sink.port" "$T_TMP/sink.count" spans &
sink=$!; track_pid $sink
wait_for "$T_TMP/sink.port" . 50 || { fail $n "the receiver did not start"; exit 0; }
http_env_start "$T_TMP/env" || { fail $n "nginx did not start"; exit 0; }
track_pid "$NG_PID"; track_pid "$PY_PID"
"$bin" run --no-status --probes http,exec,exit,dns,tcp --pid "$NG_PID" --no-spool \
	--endpoint "http://127.0.0.1:$(cat "$T_TMP/sink.port")" > "$T_TMP/out" 2> "$T_TMP/err" &
rt=$!; track_pid $rt
wait_for "$T_TMP/err" "running:" 300 || { fail $n "rawtel did not start: $(cat "$T_TMP/err")"; exit 0; }
wrk -t2 -c20 -d12s "http://127.0.0.1:$NG_PORT/static/hello.txt" > "$T_TMP/wrk" 2>&1 &
load=$!; track_pid $load
sleep 3; kill -STOP $sink; sleep 6
hwm_stalled=$(awk '/^VmHWM/ { print $2 }' "/proc/$rt/status")
kill -CONT $sink
wait $load
sleep 1
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$rt/status")
# the kernel's RSS counters are approximate (per-thread caches): the
# larger of the two readings
[ "${hwm_stalled:-0}" -le "${hwm:-0}" ] || hwm=$hwm_stalled
kill -TERM $rt; wait $rt
kill -TERM $sink; wait $sink
served=$(wc -l < "$T_TMP/env/access.log")
http_env_stop

sum=$(grep '^rawtel: [0-9]* events' "$T_TMP/err" | tail -n 1)
num() { echo "$sum" | sed -n "s/$1/\\1/p"; }
lost=$(num '.* \([0-9]*\) lost in the kernel.*')
spans=$(num '.* \([0-9]*\) spans, .*')
dreq=$(num '.* \([0-9]*\) dropped (.*')
dspans=$(num '.* dropped (\([0-9]*\) spans).*')
got=$(cut -d' ' -f3 "$T_TMP/sink.count" 2>/dev/null)
what="$served requests served, $spans spans exported, $got received, $dreq requests dropped"
what="$what ($dspans spans), $lost events lost in the kernel; peak RSS $hwm kB ($hwm_stalled kB"
what="$what at the end of the stall), bound $bound kB ($bin)"
if [ -z "$spans" ] || [ -z "$dspans" ] || [ -z "$got" ] || [ -z "$hwm" ]; then
	fail $n "no summary or counts: $(tail -n 3 "$T_TMP/err") / $(cat "$T_TMP/sink.count" 2>/dev/null)"
elif [ "$hwm" -ge "$bound" ]; then
	fail $n "peak RSS over the bound: $what"
elif [ "$dreq" -lt 1 ]; then
	fail $n "the stall dropped nothing (the queue never filled): $what"
elif [ $((got + dspans)) -ne "$spans" ]; then
	fail $n "exported spans neither received nor counted dropped: $what"
elif [ "$served" -lt "$spans" ] || [ $((served - spans)) -gt "$lost" ]; then
	fail $n "requests without a span or a counted loss: $what"
else
	pass "$n ($what)"
fi
