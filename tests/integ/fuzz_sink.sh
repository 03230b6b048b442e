#!/bin/sh
# Runs the HTTP response parser's libFuzzer target for 30 s (FUZZ_SECONDS)
# from a small seed corpus of real responses, then the collector-response
# readers' target for 10 s (FUZZ_RPC_SECONDS).
. "$RAWTEL_TOP/tests/lib.sh"
fz="$RAWTEL_TOP/build/fuzz/fuzz_http_resp"
if [ ! -x "$fz" ]; then
	fail fuzz_http_resp "$fz not built (make fuzz needs clang)"
	exit 0
fi
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
printf '\001HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' > "$corpus/cl"
printf '\005HTTP/1.1 503 x\r\nRetry-After: 3\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\n' > "$corpus/chunked"
printf '\003HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 400 Bad\r\nConnection: keep-alive\r\n\r\nbody' > "$corpus/eof"
if "$fz" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=4096 -rss_limit_mb=1024 \
	-print_final_stats=1 "$corpus" > "$T_TMP/fuzz.log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/fuzz.log")
	pass "fuzz_http_resp ($runs runs)"
else
	tail -n 30 "$T_TMP/fuzz.log"
	fail fuzz_http_resp "the fuzzer found a crash or a broken invariant (see above)"
fi

fz="$RAWTEL_TOP/build/fuzz/fuzz_rpc"
corpus="$T_TMP/corpus_rpc"
mkdir -p "$corpus"
printf '\000\010\003\022\003bad' > "$corpus/status_pb"
printf '\000\012\007\010\003\022\003old' > "$corpus/partial_pb"
printf '\001{"partialSuccess":{"rejectedSpans":"3","errorMessage":"x\\u00e9"}}' > "$corpus/partial_json"
printf '\001{"code":3,"message":"bad","details":[{"a":[1,2.5e3,true,null]}]}' > "$corpus/status_json"
if [ ! -x "$fz" ]; then
	fail fuzz_rpc "$fz not built (make fuzz needs clang)"
elif "$fz" -max_total_time="${FUZZ_RPC_SECONDS:-10}" -max_len=4096 -rss_limit_mb=1024 \
	-print_final_stats=1 "$corpus" > "$T_TMP/fuzz_rpc.log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/fuzz_rpc.log")
	pass "fuzz_rpc ($runs runs)"
else
	tail -n 30 "$T_TMP/fuzz_rpc.log"
	fail fuzz_rpc "the fuzzer found a crash or a broken invariant (see above)"
fi
