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

name=fuzz_mysql
bin="$RAWTEL_TOP/build/fuzz/fuzz_mysql"
secs=${RAWTEL_FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail $name "$bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
	exit 1
fi
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
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-dict="$RAWTEL_TOP/tests/fuzz/fuzz_mysql.dict" \
	-artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
	"$c" > "$T_TMP/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/log")
if [ $rc -eq 0 ]; then
	pass "$name ($runs inputs in ${secs}s from $(ls "$c" | wc -l) seeds)"
else
	tail -n 40 "$T_TMP/log"
	fail $name "fuzzer exited $rc after ${runs:-?} inputs; crash input in $(grep -o 'build/fuzz/crash-[0-9a-f]*' "$T_TMP/log" | head -n 1) (see log above)"
fi
