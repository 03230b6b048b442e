#!/bin/sh
# Uprobes through rawtel's own ELF resolver: DNS lookups in the system's
# libc and in a statically linked musl program, any function by name or
# glob, on both buffer kinds; and the errors a user meets.
. "$RAWTEL_TOP/tests/lib.sh"
N=5

# up_case NAME MODE PROGRAM [rawtel trace arguments]
up_case() {
	name=$1 mode=$2 prog=$3; shift 3
	"$RAWTEL" trace "$@" --json > "$T_TMP/$name.o" 2> "$T_TMP/$name.e" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$name.e" "tracing" 200; then
		fail "$name" "did not start: $(cat "$T_TMP/$name.e")"; kill $rt; return
	fi
	"$prog" $N > "$T_TMP/$name.pid"
	sleep 0.5
	kill -INT $rt; wait $rt; rc=$?
	[ $rc -eq 0 ] || { fail "$name" "rawtel exited $rc: $(cat "$T_TMP/$name.e")"; return; }
	python3 "$RAWTEL_TOP/tests/integ/check_uprobe.py" "$name" "$T_TMP/$name.o" "$T_TMP/$name.pid" $N "$mode"
}

require_bpf uprobe_dns_glibc || exit 0
P=$RAWTEL_PROGS
up_case uprobe_dns_glibc dns "$P/rtt_dns" dns
up_case uprobe_dns_perfbuf dns "$P/rtt_dns" dns --perf-buffer
up_case uprobe_dns_musl dns "$P/rtt_dns_musl" dns --binary "$P/rtt_dns_musl"
up_case uprobe_fn fn "$P/rtt_dns" uprobe "$P/rtt_dns:rtt_target_fn"
up_case uprobe_glob glob "$P/rtt_dns" uprobe "$P/rtt_dns:rtt_target_*"
up_case uprobe_musl_fn fn "$P/rtt_dns_musl" uprobe "$P/rtt_dns_musl:rtt_target_fn"

# what a user gets wrong: one line saying what, and a non-zero exit
err_case() {
	name=$1 want_rc=$2 pattern=$3; shift 3
	"$RAWTEL" trace "$@" > "$T_TMP/$name.o" 2> "$T_TMP/$name.e"; rc=$?
	if [ $rc -eq "$want_rc" ] && grep -q "$pattern" "$T_TMP/$name.e" && [ "$(wc -l < "$T_TMP/$name.e")" -eq 1 ]; then
		pass "$name"
	else
		fail "$name" "rc=$rc (want $want_rc): $(cat "$T_TMP/$name.e")"
	fi
}
err_case uprobe_no_spec 2 "BINARY:SYMBOL" uprobe
err_case uprobe_missing_symbol 1 "no_such_function" uprobe "$P/rtt_dns:no_such_function"
err_case uprobe_missing_file 1 "/nonexistent/prog" uprobe /nonexistent/prog:main
err_case uprobe_not_a_function 1 "environ" uprobe libc:environ
err_case uprobe_glob_none 1 "matches" uprobe "$P/rtt_dns:zz_nothing_*"
