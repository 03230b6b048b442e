#!/bin/sh
# fmt_strtod's libFuzzer target (tests/fuzz/fuzz_strtod.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 30. Seeds: tests/fuzz/corpus_strtod
# (config values, JSON numbers, halfway and range-edge texts). Builds
# nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_strtod; a
# missing target is a failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

mkdir -p "$T_TMP/corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_strtod/* "$T_TMP/corpus/"
run_fuzzer fuzz_strtod "$RAWTEL_TOP/build/fuzz/fuzz_strtod" "${RAWTEL_FUZZ_SECONDS:-30}" \
	"$T_TMP/corpus" -rss_limit_mb=2048 -max_len=2048
