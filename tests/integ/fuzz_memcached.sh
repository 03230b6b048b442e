#!/bin/sh
# The Memcached parser's libFuzzer target (tests/fuzz/fuzz_memcached.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds are the recorded
# conversations of tests/fixtures/memcached/ in the target's record format
# (fuzz_cache.h), both roles. Builds nothing: `make check` (or `make
# fuzz`) builds build/fuzz/fuzz_memcached; a missing target is a failure.
# Crash inputs are kept in build/fuzz/ to reproduce with
# build/fuzz/fuzz_memcached build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

name=fuzz_memcached
bin="$RAWTEL_TOP/build/fuzz/fuzz_memcached"
secs=${RAWTEL_FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail $name "$bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
	exit 1
fi
c="$T_TMP/corpus"
mkdir -p "$c"
python3 "$RAWTEL_TOP/tests/fixtures/redis/seeds.py" "$c" "$RAWTEL_TOP"/tests/fixtures/memcached/*.rec
# the fuzzer's own sanitizers must stop at the first finding
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_memcached.dict" \
	-artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
	"$c" > "$T_TMP/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/log")
if [ $rc -eq 0 ]; then
	pass "$name ($runs inputs in ${secs}s from $(ls "$c" | wc -l) seeds)"
else
	tail -n 40 "$T_TMP/log"
	fail $name "fuzzer exited $rc after ${runs:-?} inputs; crash input in $(grep -o 'build/fuzz/crash-[0-9a-f]*' "$T_TMP/log" | head -n 1) (see log above)"
fi
