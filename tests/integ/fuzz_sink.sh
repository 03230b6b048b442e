#!/bin/sh
# Runs the HTTP response parser's libFuzzer target for 30 s (FUZZ_SECONDS)
# from a small seed corpus of real responses (tests/fuzz/corpus_http_resp/),
# then the collector-response readers' target for 10 s (FUZZ_RPC_SECONDS)
# from tests/fuzz/corpus_rpc/.
. "$RAWTEL_TOP/tests/lib.sh"
for t in http_resp rpc; do
	mkdir -p "$T_TMP/corpus_$t"
	cp "$RAWTEL_TOP/tests/fuzz/corpus_$t"/* "$T_TMP/corpus_$t/"
done
run_fuzzer fuzz_http_resp "$RAWTEL_TOP/build/fuzz/fuzz_http_resp" "${FUZZ_SECONDS:-30}" \
	"$T_TMP/corpus_http_resp" -max_len=4096 -rss_limit_mb=1024
run_fuzzer fuzz_rpc "$RAWTEL_TOP/build/fuzz/fuzz_rpc" "${FUZZ_RPC_SECONDS:-10}" \
	"$T_TMP/corpus_rpc" -max_len=4096 -rss_limit_mb=1024
