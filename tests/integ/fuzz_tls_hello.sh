#!/bin/sh
# The TLS handshake facts' libFuzzer target (tests/fuzz/fuzz_tls_hello.c)
# for a bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds: the real
# handshakes of tests/fixtures/tls/ (openssl, curl, python), each turned
# into the target's input format (a chunk per recv, whole, then with the
# capture cut at 64 bytes). Builds nothing: `make check` (or `make fuzz`)
# builds build/fuzz/fuzz_tls_hello; a missing target is a failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
for f in "$RAWTEL_TOP"/tests/fixtures/tls/*.txt; do
	for cut in 0 8; do
		python3 - "$f" "$cut" > "$c/$(basename "$f" .txt)_$cut" <<'PY'
import sys
out = bytearray()
for line in open(sys.argv[1]):
    if line[:2] not in ("c ", "s "):
        continue
    b = bytes.fromhex(line[2:].strip())[:1500]
    out += bytes([(0x80 if line[0] == "c" else 0) | int(sys.argv[2])]) + len(b).to_bytes(2, "big") + b
sys.stdout.buffer.write(out)
PY
	done
done
run_fuzzer fuzz_tls_hello "$RAWTEL_TOP/build/fuzz/fuzz_tls_hello" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=8192
