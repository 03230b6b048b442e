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

name=fuzz_pg
bin="$RAWTEL_TOP/build/fuzz/fuzz_pg"
secs=${RAWTEL_FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail $name "$bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
	exit 1
fi
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
# fuzz NAME CORPUS: one target for $secs seconds; the fuzzer's own
# sanitizers must stop at the first finding
fuzz() {
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$RAWTEL_TOP/build/fuzz/$1" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=8192 -artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
		"$2" > "$T_TMP/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/log")
	if [ $rc -eq 0 ]; then
		pass "$1 ($runs inputs in ${secs}s from $(ls "$2" | wc -l) seeds)"
	else
		tail -n 40 "$T_TMP/log"
		fail "$1" "fuzzer exited $rc after ${runs:-?} inputs; crash input in $(grep -o 'build/fuzz/crash-[0-9a-f]*' "$T_TMP/log" | head -n 1) (see log above)"
	fi
}
fuzz fuzz_pg "$c"
if [ -x "$bin"_pair ]; then
	mkdir -p "$T_TMP/pair"
	fuzz fuzz_pg_pair "$T_TMP/pair"
else
	fail fuzz_pg_pair "$bin""_pair is missing: run make fuzz"
fi
