#!/bin/sh
# fmt_pton's libFuzzer target (tests/fuzz/fuzz_pton.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 30. Seeds: tests/fuzz/corpus_pton
# (loopback, IPv6 with "::", IPv4-mapped and dotted tails). Builds
# nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_pton; a
# missing target is a failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

mkdir -p "$T_TMP/corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_pton/* "$T_TMP/corpus/"
run_fuzzer fuzz_pton "$RAWTEL_TOP/build/fuzz/fuzz_pton" "${RAWTEL_FUZZ_SECONDS:-30}" \
	"$T_TMP/corpus" -rss_limit_mb=2048 -max_len=256
