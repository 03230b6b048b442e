#!/bin/sh
# The assembler's libFuzzer target (tests/fuzz/fuzz_asm.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 30. Builds nothing: `make check` (or
# `make fuzz`) builds build/fuzz/fuzz_asm; a missing target is a failure.
# Crash inputs are kept in build/fuzz/ to reproduce with
#   build/fuzz/fuzz_asm build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

mkdir -p "$T_TMP/corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_asm/* "$RAWTEL_TOP"/kern/*.S "$T_TMP/corpus/"
run_fuzzer fuzz_asm "$RAWTEL_TOP/build/fuzz/fuzz_asm" "${RAWTEL_FUZZ_SECONDS:-30}" \
	"$T_TMP/corpus" -rss_limit_mb=2048 -max_len=4096 \
	-dict="$RAWTEL_TOP/tests/fuzz/fuzz_asm.dict"
