#!/bin/sh
# The TZif reader's libFuzzer target (tests/fuzz/fuzz_tzif.c) for a bounded
# time: RAWTEL_FUZZ_SECONDS, default 20. Seeds: zone files from tzdata
# (v2 with footer rules, fixed offsets, a southern and a half-hour zone)
# and a few TZ rules. Builds nothing: `make check` (or `make fuzz`) builds
# build/fuzz/fuzz_tzif; a missing target is a failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

mkdir -p "$T_TMP/corpus"
for z in Europe/Berlin America/New_York Australia/Lord_Howe Asia/Kolkata UTC; do
	cp "/usr/share/zoneinfo/$z" "$T_TMP/corpus/$(echo "$z" | tr / _)" || {
		fail fuzz_tzif "no /usr/share/zoneinfo/$z (tzdata: scripts/install-deps test)"
		exit 1
	}
done
printf 'CET-1CEST,M3.5.0,M10.5.0/3' > "$T_TMP/corpus/rule1"
printf '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0' > "$T_TMP/corpus/rule2"
printf '<-03>3<-02>,M3.5.0/-2,J300/-1' > "$T_TMP/corpus/rule3"
run_fuzzer fuzz_tzif "$RAWTEL_TOP/build/fuzz/fuzz_tzif" "${RAWTEL_FUZZ_SECONDS:-20}" \
	"$T_TMP/corpus" -rss_limit_mb=1024 -max_len=8192
