#!/bin/sh
# The HTTP/2 parser's libFuzzer target (tests/fuzz/fuzz_h2.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 30; then HTTP/2 in the connection layer
# (tests/fuzz/fuzz_h2_layer.c: detection, the h2c Upgrade handover) for
# half that, on the same seeds. Seeds: the real conversations of
# tests/fixtures/h2/ (relay.py recordings) in the target's record format,
# each recv cut into records of at most 119 bytes, for both roles. Builds
# nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_h2.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
/usr/bin/python3 - "$RAWTEL_TOP/tests/fixtures/h2" "$c" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(src)):
    if not name.endswith(".txt") or name.startswith("hpack"):
        continue
    recs = []
    for line in open(os.path.join(src, name)):
        tag, _, hx = line.strip().partition(" ")
        if tag == "x":
            recs.append(bytes([121, 0]))
        elif tag in ("c", "s"):
            b = bytes.fromhex(hx)
            for i in range(0, len(b), 119):
                part = b[i:i + 119]
                recs.append(bytes([(0x80 if tag == "s" else 0) | len(part), 0]) + part)
    for role in (0, 1):
        # as the server, c is received; as the client, c is sent
        flip = [bytes([r[0] ^ (0x80 if role and r[0] != 121 else 0)]) + r[1:] for r in recs]
        open(os.path.join(out, "%s.%d" % (name[:-4], role)), "wb").write(bytes([role]) + b"".join(flip))
PY
run_fuzzer fuzz_h2 "$RAWTEL_TOP/build/fuzz/fuzz_h2" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=8192
run_fuzzer fuzz_h2_layer "$RAWTEL_TOP/build/fuzz/fuzz_h2_layer" $(( (${RAWTEL_FUZZ_SECONDS:-30} + 1) / 2 )) \
	"$c" -rss_limit_mb=2048 -max_len=8192
