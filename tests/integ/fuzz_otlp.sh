#!/bin/sh
# Runs the OTLP fuzz target (tests/fuzz/fuzz_otlp.c) for a bounded time
# (FUZZ_SECONDS, default 30) from a seed corpus of encoded fixtures.
. "$RAWTEL_TOP/tests/lib.sh"
bin="$RAWTEL_TOP/build/fuzz/fuzz_otlp"
secs=${FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail fuzz_otlp "$bin not built: run make check (needs clang, scripts/install-deps test)"
	exit 0
fi
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
# seeds: one per parser (first byte picks it), from small valid inputs
printf '\000\012\004\010\001\022\000' > "$corpus/pb"
printf '\001{"a":[1,"x",{"b":null}],"c":-1.5e3}' > "$corpus/json"
printf '\002\012\004\010\005\022\000' > "$corpus/resp"
printf '\003\012\010\022\006\022\004\012\002\012\000' > "$corpus/pbreq"
printf '\004{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","name":"x","attributes":[{"key":"k","value":{"intValue":"1"}}]}]}]}]}' > "$corpus/jsreq"
if "$bin" -max_total_time="$secs" -max_len=4096 -rss_limit_mb=1024 -timeout=10 \
	-print_final_stats=1 "$corpus" > "$T_TMP/fuzz.log" 2>&1; then
	pass "fuzz_otlp ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$T_TMP/fuzz.log" | grep -o '[0-9]*$') runs in ${secs}s)"
else
	fail fuzz_otlp "libFuzzer found a crash: $(grep -m1 -E 'ERROR|SUMMARY' "$T_TMP/fuzz.log")"
	tail -n 30 "$T_TMP/fuzz.log"
fi
