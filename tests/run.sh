#!/bin/sh
# Runs every test and ends with "N passed, N failed".
# Unit tests: build/asan/tests/test_* (built by `make check`).
# Integration tests: tests/integ/*.sh, given RAWTEL (the ASan build) and
# RAWTEL_REL (./rawtel). Each prints "PASS name" / "FAIL name: why" /
# "SKIP name: why" lines; a test that exits non-zero without a FAIL line,
# or that prints none of these lines at all, is counted as one failure.
# ONLY=substring runs the matching tests only.
# Under RAWTEL_REQUIRE_BPF=1 (CI) a SKIP of a BPF test is printed as FAIL by
# the test itself (tests/t.h, tests/lib.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export RAWTEL="$top/build/asan/rawtel" RAWTEL_REL="$top/rawtel"
export RAWTEL_TOP="$top" RAWTEL_PROGS="$top/build/progs"
# Leaks are reported by LeakSanitizer at exit; a test that wants them off
# says so itself. abort_on_error gives a non-zero exit the runner sees.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
timeout_s=${RAWTEL_TEST_TIMEOUT:-900}
passed=0 failed=0 skipped=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

run_one() {
	name=$1; shift
	case $name in *"${ONLY:-}"*) ;; *) return ;; esac
	start=$(date +%s)
	timeout -k 10 "$timeout_s" "$@" > "$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log"); s=$(grep -c '^SKIP ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited with status $rc" >> "$log"
		f=1
	elif [ $((p + f + s)) -eq 0 ]; then
		# a test that ran nothing (or lost its output) proves nothing
		echo "FAIL $name: printed no PASS, FAIL or SKIP line" >> "$log"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	printf '%-34s %3d passed %3d failed %3d skipped  (%ss)\n' "$name" "$p" "$f" "$s" "$(( $(date +%s) - start ))"
	if [ "$f" -ne 0 ]; then
		# show the failures with the output around them
		sed -n '/^FAIL /p' "$log" | sed 's/^/    /'
		echo "    --- last output of $name ---"
		tail -n 40 "$log" | sed 's/^/    | /'
	fi
	grep '^SKIP ' "$log" | sed 's/^/    /'
}

for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done
for t in tests/integ/*.sh; do
	[ -f "$t" ] || continue
	run_one "$(basename "$t" .sh)" sh "$t"
done
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
