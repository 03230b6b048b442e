#!/bin/sh
# The assembler's libFuzzer target (tests/fuzz/fuzz_asm.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 30. Builds nothing: `make check` (or
# `make fuzz`) builds build/fuzz/fuzz_asm; a missing target is a failure.
# Crash inputs are kept in build/fuzz/ to reproduce with
#   build/fuzz/fuzz_asm build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

name=fuzz_asm
bin="$RAWTEL_TOP/build/fuzz/fuzz_asm"
secs=${RAWTEL_FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail $name "$bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
	exit 1
fi
mkdir -p "$T_TMP/corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_asm/* "$RAWTEL_TOP"/kern/*.S "$T_TMP/corpus/"
# the fuzzer's own sanitizers must stop at the first finding
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_asm.dict" \
	-artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
	"$T_TMP/corpus" > "$T_TMP/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/log")
if [ $rc -eq 0 ]; then
	pass "$name ($runs inputs in ${secs}s)"
else
	fail $name "libFuzzer found a failing input (exit $rc); see below and build/fuzz/crash-*"
	tail -n 30 "$T_TMP/log"
	exit 1
fi
