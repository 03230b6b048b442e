#!/bin/sh
# The Redis parser's libFuzzer target (tests/fuzz/fuzz_redis.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds are the recorded
# conversations of tests/fixtures/redis/ in the target's record format
# (fuzz_cache.h), both roles. Builds nothing: `make check` (or `make
# fuzz`) builds build/fuzz/fuzz_redis; a missing target is a failure.
# Crash inputs are kept in build/fuzz/ to reproduce with
# build/fuzz/fuzz_redis build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

fuzz_recorded redis --max 4096
