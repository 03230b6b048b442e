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

fuzz_recorded mysql --server-bit
