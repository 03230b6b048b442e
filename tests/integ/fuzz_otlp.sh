#!/bin/sh
# Runs the OTLP fuzz target (tests/fuzz/fuzz_otlp.c) for a bounded time
# (FUZZ_SECONDS, default 30) from the seeds in tests/fuzz/corpus_otlp/: one
# small valid input per parser (the first byte picks it). jsreq once
# crashed the target (c0df8e08...: the JSON request decoder, re-encoding
# what it decodes) and is kept as a regression seed.
. "$RAWTEL_TOP/tests/lib.sh"
corpus="$T_TMP/corpus"
mkdir -p "$corpus"
cp "$RAWTEL_TOP"/tests/fuzz/corpus_otlp/* "$corpus/"
run_fuzzer fuzz_otlp "$RAWTEL_TOP/build/fuzz/fuzz_otlp" "${FUZZ_SECONDS:-30}" "$corpus" \
	-max_len=4096 -rss_limit_mb=1024
