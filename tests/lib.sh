# Shared helpers for integration tests (POSIX sh). Source it, then call
# pass/fail/skip per case; require_bpf turns into a FAIL under
# RAWTEL_REQUIRE_BPF=1 (CI), so a BPF test can never skip silently there.
# Processes a test starts are recorded with track_pid and killed by PID at
# exit; nothing is ever killed by name.
: "${RAWTEL:=$RAWTEL_TOP/build/asan/rawtel}"
: "${RAWTEL_PROGS:=$RAWTEL_TOP/build/progs}"
T_TMP=$(mktemp -d /tmp/rawtel-test.XXXXXX)
T_PIDS=""
t_cleanup() {
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	for p in $T_PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT INT TERM
track_pid() { T_PIDS="$T_PIDS $1"; }

pass() { echo "PASS $1"; }
fail() { n=$1; shift; echo "FAIL $n: $*"; }
skip() { n=$1; shift; echo "SKIP $n: $*"; }

# require_bpf NAME: returns 1 (after printing SKIP, or FAIL in CI) when
# BPF tracing is not usable here. Usage: require_bpf case || return 0
require_bpf() {
	why=""
	if [ "$(id -u)" != 0 ]; then why="not root"
	elif ! "$RAWTEL" probe > "$T_TMP/probe.out" 2>&1; then
		why="rawtel probe says tracing cannot work: $(tail -n 1 "$T_TMP/probe.out")"
	fi
	[ -z "$why" ] && return 0
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then
		fail "$1" "BPF required (RAWTEL_REQUIRE_BPF=1) but $why"
	else
		skip "$1" "$why"
	fi
	return 1
}

# wait_for FILE PATTERN [TENTHS]: wait until FILE has a line matching the
# extended regex PATTERN (default 10 s).
wait_for() {
	i=0; max=${3:-100}
	while [ $i -lt "$max" ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
