#!/bin/sh
# The MySQL parser's libFuzzer target (tests/fuzz/fuzz_mysql.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds are the recorded
# conversations of tests/fixtures/mysql/*.rec in the target's record
# format (see fuzz_mysql.c), both roles. Builds nothing: `make check` (or
# `make fuzz`) builds build/fuzz/fuzz_mysql; a missing target is a
# failure. Crash inputs are kept in build/fuzz/ to reproduce with
# build/fuzz/fuzz_mysql build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
# a recording's syscalls as records of at most 119 bytes, no gaps
python3 - "$RAWTEL_TOP/tests/fixtures/mysql" "$c" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(src)):
    if not f.endswith(".rec"):
        continue
    recs = b""
    for line in open(os.path.join(src, f)):
        who, hexs = line.split()
        data = bytes.fromhex(hexs)
        for i in range(0, len(data), 119):
            part = data[i:i + 119]
            recs += bytes([len(part) | (0x80 if who == "S" else 0), 0]) + part
    for role in (0, 1):
        with open(os.path.join(out, "%s.%d" % (f, role)), "wb") as o:
            o.write(bytes([role]) + recs)
PY
run_fuzzer fuzz_mysql "$RAWTEL_TOP/build/fuzz/fuzz_mysql" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_mysql.dict"
