#!/bin/sh
# The MySQL parser's libFuzzer target (tests/fuzz/fuzz_mysql.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds are the recorded
# conversations of tests/fixtures/mysql/*.rec in the target's record
# format (see fuzz_mysql.c), both roles. Builds nothing: `make check` (or
# `make fuzz`) builds build/fuzz/fuzz_mysql; a missing target is a
# failure. Crash inputs are kept in build/fuzz/ to reproduce with
# build/fuzz/fuzz_mysql build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
python3 "$RAWTEL_TOP/tests/fixtures/seeds.py" --server-bit "$c" "$RAWTEL_TOP"/tests/fixtures/mysql/*.rec
run_fuzzer fuzz_mysql "$RAWTEL_TOP/build/fuzz/fuzz_mysql" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_mysql.dict"
