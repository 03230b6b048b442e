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
	if [ -n "${T_KEEP:-}" ]; then echo "kept $T_TMP" >&2; else rm -rf "$T_TMP"; fi
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

# run_driven NAME CMD...: CMD (a rawtel run) in the background, its
# output in $T_TMP/NAME.out and .err; once it runs, $DRIVER once (its pids
# in $T_TMP/NAME.pids), then SIGTERM; 1 (NAME failed) when it did not start
# or did not exit 0
run_driven() {
	rd_name=$1; shift
	"$@" > "$T_TMP/$rd_name.out" 2> "$T_TMP/$rd_name.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$rd_name.err" "running:" 200; then
		fail "$rd_name" "rawtel run did not start: $(cat "$T_TMP/$rd_name.err")"; return 1
	fi
	mkdir -p "$T_TMP/$rd_name.d"
	"$DRIVER" "$T_TMP/$rd_name.d" > "$T_TMP/$rd_name.pids"
	sleep 0.5
	kill -TERM $rt; wait $rt; rc=$?
	if [ $rc -ne 0 ]; then fail "$rd_name" "rawtel run exited $rc: $(cat "$T_TMP/$rd_name.err")"; return 1; fi
	return 0
}

# otlp_receiver PREFIX MAX_MS LOG: tests/node/receiver.js on a free
# loopback port for at most MAX_MS, the request bodies it saves in
# PREFIXbodies/, its port in PREFIXrport (up to 10 s for it), its output in
# PREFIXrout, its log to LOG. Sets rcv (its PID, tracked) and rport.
otlp_receiver() {
	mkdir -p "$1bodies"
	node "$RAWTEL_TOP/tests/node/receiver.js" --port 0 --ready "$1rport" --log "$3" \
		--bodies "$1bodies" --max-ms "$2" > "$1rout" 2>&1 &
	rcv=$!; track_pid $rcv
	i=0; while [ ! -s "$1rport" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rport=$(cat "$1rport" 2> /dev/null)
}

# run_fuzzer NAME BIN SECONDS CORPUS [LIBFUZZER-OPTION...]: run a libFuzzer
# target for a bounded time (plus -max_len, -dict, -rss_limit_mb... as the
# caller passes them) and print PASS NAME or FAIL NAME. Inputs that crash
# are written under build/fuzz/ (never into the directory the tests run
# from), to reproduce with BIN build/fuzz/crash-...; the sanitizers stop at
# the first finding. A missing BIN is a failure: make check builds it.
run_fuzzer() {
	rf_name=$1 rf_bin=$2 rf_secs=$3 rf_corpus=$4
	shift 4
	if [ ! -x "$rf_bin" ]; then
		fail "$rf_name" "$rf_bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
		return 1
	fi
	mkdir -p "$RAWTEL_TOP/build/fuzz"
	rf_log=$T_TMP/$rf_name.log
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$rf_bin" -max_total_time="$rf_secs" -timeout=10 "$@" \
		-artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
		"$rf_corpus" > "$rf_log" 2>&1
	rf_rc=$?
	rf_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$rf_log" | tail -n 1)
	if [ $rf_rc -eq 0 ] &&
	   ! grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$rf_log"; then
		pass "$rf_name (${rf_runs:-?} inputs in ${rf_secs}s from $(ls "$rf_corpus" | wc -l) seeds)"
		return 0
	fi
	tail -n 40 "$rf_log"
	fail "$rf_name" "fuzzer exited $rf_rc after ${rf_runs:-?} inputs; crash input in $(grep -o 'build/fuzz/[a-z]*-[0-9a-f]*' "$rf_log" | head -n 1) (see the log above)"
	return 1
}

# trace_bg NAME TICKS PROBES [options]: rawtel trace PROBES --json in the
# background (its pid in $rt), into $T_TMP/NAME.jsonl and NAME.err, once
# it says "tracing" (TICKS: wait_for's); stop_trace NAME ends it
trace_bg() {
	name=$1 tb_ticks=$2 tb_probes=$3; shift 3
	"$RAWTEL" trace "$tb_probes" --json "$@" > "$T_TMP/$name.jsonl" 2> "$T_TMP/$name.err" &
	rt=$!; track_pid $rt
	wait_for "$T_TMP/$name.err" "tracing" "$tb_ticks" && return 0
	fail "$name" "rawtel did not start: $(cat "$T_TMP/$name.err")"
	return 1
}

# stop_trace NAME: trace_bg's rawtel interrupted; it must exit 0 having
# lost nothing in the kernel
stop_trace() {
	sleep 0.3
	kill -INT $rt; wait $rt; rc=$?
	if [ $rc -ne 0 ]; then fail "$1" "rawtel exited $rc: $(cat "$T_TMP/$1.err")"; return 1; fi
	if ! grep -q " 0 lost in the kernel" "$T_TMP/$1.err"; then
		fail "$1" "events lost or no summary: $(cat "$T_TMP/$1.err")"; return 1
	fi
	return 0
}

# need_node NAME: 0 when node and tests/node's OpenTelemetry decoder are
# here, else FAIL NAME and 1 (scripts/install-deps test installs both)
need_node() {
	command -v node > /dev/null && [ -d "$RAWTEL_TOP/tests/node/node_modules/@opentelemetry" ] &&
		return 0
	fail "$1" "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"
	return 1
}

# tls_test_prep NAME DIR: what a test of TLS servers needs first: node
# with the OpenTelemetry decoder, openssl, Debian's python3, BPF, and a
# certificate for localhost made in DIR (cert.pem, key.pem); else FAIL
# (or require_bpf's SKIP) NAME and 1
tls_test_prep() {
	need_node "$1" && need_cmds "$1" openssl /usr/bin/python3 && require_bpf "$1" || return 1
	mkdir -p "$2"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$2/key.pem" -out "$2/cert.pem" \
		-days 1 -subj /CN=localhost > "$2/openssl.out" 2>&1 && return 0
	fail "$1" "openssl req: $(cat "$2/openssl.out")"
	return 1
}

# trace_gated NAME PROBES CMD...: CMD, once rawtel trace PROBES --json
# --pid (its PID) traces it, into $T_TMP/trace.jsonl (and .err), CMD's
# output in $T_TMP/client.out (and .err); rawtel interrupted once CMD
# ended (up to 30 s). 1 (FAIL NAME printed) when rawtel did not start or
# CMD did not exit 0
trace_gated() {
	tg_name=$1 tg_probes=$2; shift 2
	sh -c 'i=0; while [ ! -s "$0/go" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
		exec "$@"' "$T_TMP" "$@" > "$T_TMP/client.out" 2> "$T_TMP/client.err" &
	tg_cl=$!; track_pid $tg_cl
	"$RAWTEL" trace "$tg_probes" --pid $tg_cl --json > "$T_TMP/trace.jsonl" 2> "$T_TMP/trace.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/trace.err" "tracing" 300; then
		fail "$tg_name" "rawtel trace did not start: $(cat "$T_TMP/trace.err")"; return 1
	fi
	echo go > "$T_TMP/go"
	i=0
	while kill -0 $tg_cl 2> /dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	wait $tg_cl; tg_rc=$?
	sleep 0.3
	kill -INT $rt; wait $rt
	[ $tg_rc -eq 0 ] && return 0
	fail "$tg_name" "the client exited $tg_rc: $(tail -n 3 "$T_TMP/client.err")"
	return 1
}

# missing_cmd CMD...: returns 1 with the first CMD not on PATH in
# $missing, 0 when every one is there
missing_cmd() {
	for missing in "$@"; do
		command -v "$missing" > /dev/null || return 1
	done
	missing=""
}

# need_cmds NAME CMD...: 0 when every CMD is on PATH, else FAIL NAME
# naming the first one missing, and 1
need_cmds() {
	nc_name=$1; shift
	missing_cmd "$@" && return 0
	fail "$nc_name" "$missing is missing: run scripts/install-deps test"
	return 1
}

# need_py NAME PACKAGES MODULES: FAIL NAME and 1 when Debian's python3
# cannot import MODULES ("a, b"; PACKAGES: what to install)
need_py() {
	/usr/bin/python3 -c "import $3" 2> /dev/null && return 0
	fail "$1" "$2 is missing: run scripts/install-deps test"
	return 1
}

# expect_got NAME GOT WANT [MORE]: PASS NAME when GOT is WANT, else FAIL
# NAME showing GOT (and MORE)
expect_got() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got: $2${4:+; $4}"; fi
}

# trace_text NAME PAUSE CLIENT [option...]: rawtel trace with the options
# (its text layout) into $T_TMP/NAME.out and NAME.err; once it traces,
# CLIENT (a command or function) runs, and PAUSE s later rawtel is
# interrupted. Returns 1 (FAIL printed) when rawtel did not start.
trace_text() {
	tt_name=$1 tt_pause=$2 tt_client=$3; shift 3
	"$RAWTEL" trace "$@" > "$T_TMP/$tt_name.out" 2> "$T_TMP/$tt_name.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$tt_name.err" "tracing" 300; then
		fail "$tt_name" "rawtel did not start: $(cat "$T_TMP/$tt_name.err")"
		return 1
	fi
	$tt_client
	sleep "$tt_pause"
	kill -INT $rt; wait $rt
	return 0
}

# node_check NAME SCRIPT ARG...: tests/node/SCRIPT run with the ARGs (its
# PASS/FAIL lines are the cases), its output shown; a non-zero exit without
# a FAIL line is FAIL NAME. Returns its exit status.
node_check() {
	nk_name=$1 nk_js=$2; shift 2
	node "$RAWTEL_TOP/tests/node/$nk_js" "$@" > "$T_TMP/check.out" 2>&1
	nk_rc=$?
	cat "$T_TMP/check.out"
	[ $nk_rc -eq 0 ] && return 0
	grep -q '^FAIL ' "$T_TMP/check.out" || fail "$nk_name" "the checker exited $nk_rc"
	return $nk_rc
}

# fuzz_recorded PROTO SEEDS-OPTION...: run_fuzzer
# fuzz_PROTO for RAWTEL_FUZZ_SECONDS (default 30), seeded with the
# recorded conversations of tests/fixtures/PROTO/ (tests/fixtures/seeds.py
# with the SEEDS-OPTIONs writes them in the target's record format), with
# tests/fuzz/fuzz_PROTO.dict, inputs up to 4 KB, 2 GB of RSS
fuzz_recorded() {
	fr_proto=$1; shift
	mkdir -p "$T_TMP/corpus"
	python3 "$RAWTEL_TOP/tests/fixtures/seeds.py" "$@" "$T_TMP/corpus" \
		"$RAWTEL_TOP/tests/fixtures/$fr_proto"/*.rec
	run_fuzzer "fuzz_$fr_proto" "$RAWTEL_TOP/build/fuzz/fuzz_$fr_proto" "${RAWTEL_FUZZ_SECONDS:-30}" \
		"$T_TMP/corpus" -rss_limit_mb=2048 -max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_$fr_proto.dict"
}
