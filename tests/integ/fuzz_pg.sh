#!/bin/sh
# The PostgreSQL parser's libFuzzer targets for a bounded time each:
# RAWTEL_FUZZ_SECONDS, default 30. fuzz_pg (tests/fuzz/fuzz_pg.c): seeds
# are the recorded conversations of tests/fixtures/pg/*.rec turned into the
# target's record format, from both roles. fuzz_pg_pair (never a wrong
# pairing, tests/fuzz/fuzz_pg_pair.c) generates its conversations itself.
# Builds nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_pg*;
# a missing target is a failure. Crash inputs are kept in build/fuzz/ to
# reproduce with build/fuzz/fuzz_pg build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
python3 "$RAWTEL_TOP/tests/fixtures/seeds.py" --close "$c" "$RAWTEL_TOP"/tests/fixtures/pg/*.rec
secs=${RAWTEL_FUZZ_SECONDS:-30}
bin="$RAWTEL_TOP/build/fuzz/fuzz_pg"
run_fuzzer fuzz_pg "$bin" "$secs" "$c" -rss_limit_mb=2048 -max_len=8192
mkdir -p "$T_TMP/pair"
run_fuzzer fuzz_pg_pair "${bin}_pair" "$secs" "$T_TMP/pair" -rss_limit_mb=2048 -max_len=8192
