#!/bin/sh
# The PostgreSQL parser's libFuzzer targets for a bounded time each:
# RAWTEL_FUZZ_SECONDS, default 30. fuzz_pg (tests/fuzz/fuzz_pg.c): seeds
# are the recorded conversations of tests/fixtures/pg/*.rec turned into the
# target's record format, from both roles. fuzz_pg_pair (never a wrong
# pairing, tests/fuzz/fuzz_pg_pair.c) generates its conversations itself.
# Builds nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_pg*;
# a missing target is a failure. Crash inputs are kept in build/fuzz/ to
# reproduce with build/fuzz/fuzz_pg build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
# each recorded syscall as records of at most 119 bytes; the server role
# receives the client's bytes, the client role sends them
python3 - "$RAWTEL_TOP/tests/fixtures/pg" "$c" << 'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(src)):
    if not f.endswith(".rec"):
        continue
    lines = [l.split() for l in open(os.path.join(src, f)) if l.strip()]
    for role in (0, 1):
        out = bytearray([role])
        for who, hexdata in lines:
            data = bytes.fromhex(hexdata)
            send = (who == "c") == (role == 1)
            for i in range(0, len(data), 119):
                part = data[i:i + 119]
                out += bytes([len(part) | (0x80 if send else 0), 0]) + part
        out += bytes([120, 0, 121, 0])
        open(os.path.join(dst, "%s.%d" % (f[:-4], role)), "wb").write(out)
PY
secs=${RAWTEL_FUZZ_SECONDS:-30}
bin="$RAWTEL_TOP/build/fuzz/fuzz_pg"
run_fuzzer fuzz_pg "$bin" "$secs" "$c" -rss_limit_mb=2048 -max_len=8192
mkdir -p "$T_TMP/pair"
run_fuzzer fuzz_pg_pair "${bin}_pair" "$secs" "$T_TMP/pair" -rss_limit_mb=2048 -max_len=8192
