#!/bin/sh
# The HPACK decoder's libFuzzer target (tests/fuzz/fuzz_hpack.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds: the python3-hpack
# corpus (tests/fixtures/h2/hpack_corpus.txt), a connection's blocks of
# under 256 bytes a seed. Builds nothing: `make check` (or `make fuzz`)
# builds build/fuzz/fuzz_hpack.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
/usr/bin/python3 - "$RAWTEL_TOP/tests/fixtures/h2/hpack_corpus.txt" "$c" <<'PY'
import os, sys
seeds, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("C "):
        limit = int(line.split()[1])
        cur = bytearray([{4096: 0, 256: 1, 8192: 2}.get(limit, 3)])
        seeds.append(cur)
    elif line.startswith("B "):
        b = bytes.fromhex(line[2:].strip())
        if len(b) < 256:
            cur += bytes([len(b)]) + b
for i, s in enumerate(seeds):
    open(os.path.join(sys.argv[2], "conn%02d" % i), "wb").write(bytes(s))
PY
run_fuzzer fuzz_hpack "$RAWTEL_TOP/build/fuzz/fuzz_hpack" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=8192
