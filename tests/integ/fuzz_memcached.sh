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

fuzz_recorded memcached --max 4096
