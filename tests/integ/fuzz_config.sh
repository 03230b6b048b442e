#!/bin/sh
# Runs the --config parser's fuzz target (tests/fuzz/fuzz_config.c) for a
# bounded time (FUZZ_SECONDS, default 20) from the seeds in
# tests/fuzz/corpus_config/: a good file and one with each kind of bad line.
. "$RAWTEL_TOP/tests/lib.sh"
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_config/* "$corpus/"
run_fuzzer fuzz_config "$RAWTEL_TOP/build/fuzz/fuzz_config" "${FUZZ_SECONDS:-20}" "$corpus" \
	-max_len=2048 -rss_limit_mb=1024
