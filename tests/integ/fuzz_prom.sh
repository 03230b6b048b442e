#!/bin/sh
# Runs the scrape request parser's fuzz target (tests/fuzz/fuzz_prom.c) for
# a bounded time (FUZZ_SECONDS, default 20) from the seeds in
# tests/fuzz/corpus_prom/: Prometheus's own request, HEAD, POST, a cut head.
. "$RAWTEL_TOP/tests/lib.sh"
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_prom/* "$corpus/"
run_fuzzer fuzz_prom "$RAWTEL_TOP/build/fuzz/fuzz_prom" "${FUZZ_SECONDS:-20}" "$corpus" \
	-max_len=4096 -rss_limit_mb=1024
