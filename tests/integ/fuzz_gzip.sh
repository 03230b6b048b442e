#!/bin/sh
# Runs the gzip encoder's round-trip fuzz target (tests/fuzz/fuzz_gzip.c;
# zlib inflates what it writes) for a bounded time (FUZZ_SECONDS, default
# 20) from the seeds in tests/fuzz/corpus_gzip/: text, nothing, random.
. "$RAWTEL_TOP/tests/lib.sh"
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_gzip/* "$corpus/"
run_fuzzer fuzz_gzip "$RAWTEL_TOP/build/fuzz/fuzz_gzip" "${FUZZ_SECONDS:-20}" "$corpus" \
	-max_len=8192 -rss_limit_mb=1024
