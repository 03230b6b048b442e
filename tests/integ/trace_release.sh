#!/bin/sh
# Nothing is left behind: after rawtel ends (SIGTERM, SIGKILL, a failed
# start) no program of rawtel's remains loaded, no uprobe_events entry
# remains in tracefs; and uprobes work through tracefs uprobe_events too
# (the path of kernels without the uprobe PMU, forced here).
. "$RAWTEL_TOP/tests/lib.sh"
LIST="$RAWTEL_PROGS/rtt_bpf_progs"
# rawtel's program names as the kernel keeps them (16 bytes)
ours() { "$LIST" | awk '{print $2}' | grep -cE '^(open_|exec|exit_|proc_fork|dns_|up_|null)' ; }
uprobe_entries() { grep -c 'rawtel_' /sys/kernel/tracing/uprobe_events 2>/dev/null || true; }

require_bpf release_sigterm || exit 0
base=$(ours)

"$RAWTEL" trace exec,exit,open,dns > /dev/null 2> "$T_TMP/e1" &
rt=$!; track_pid $rt
wait_for "$T_TMP/e1" tracing 200
during=$(ours)
kill -TERM $rt; wait $rt
after=$(ours)
if [ "$during" -gt "$base" ] && [ "$after" -eq "$base" ]; then
	pass "release_sigterm ($((during - base)) programs while tracing, none after)"
else fail release_sigterm "programs: before $base, during $during, after $after"; fi

"$RAWTEL" trace exec,exit,open > /dev/null 2> "$T_TMP/e2" &
rt=$!; track_pid $rt
wait_for "$T_TMP/e2" tracing 200
kill -KILL $rt; wait $rt 2>/dev/null
sleep 0.5	# the kernel releases a killed process's programs as it reaps it
after=$(ours)
[ "$after" -eq "$base" ] && pass release_sigkill || fail release_sigkill "programs left: $((after - base))"

# a start that fails after loading (a uprobe on a missing function)
"$RAWTEL" trace exec,uprobe "$RAWTEL_PROGS/rtt_dns:no_such_fn" > /dev/null 2>&1
after=$(ours)
[ "$after" -eq "$base" ] && pass release_failed_start || fail release_failed_start "programs left: $((after - base))"

# uprobes through tracefs uprobe_events: the same events, nothing left after
RAWTEL_UPROBE_TRACEFS=1 "$RAWTEL" trace uprobe "$RAWTEL_PROGS/rtt_dns:rtt_target_fn" --json \
	> "$T_TMP/u.o" 2> "$T_TMP/u.e" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/u.e" tracing 200; then
	mid=$(uprobe_entries)
	"$RAWTEL_PROGS/rtt_dns" 3 > "$T_TMP/u.pid"
	sleep 0.5
	kill -INT $rt; wait $rt
	python3 "$RAWTEL_TOP/tests/integ/check_uprobe.py" uprobe_tracefs_events "$T_TMP/u.o" "$T_TMP/u.pid" 3 fn
	left=$(uprobe_entries)
	[ "$mid" -eq 2 ] && [ "$left" -eq 0 ] && pass uprobe_tracefs_cleanup ||
		fail uprobe_tracefs_cleanup "uprobe_events entries: $mid while tracing (want 2), $left after"
else
	fail uprobe_tracefs_events "did not start: $(cat "$T_TMP/u.e")"
fi

# a SIGKILLed run leaves its entries; the next run with uprobes removes them
RAWTEL_UPROBE_TRACEFS=1 "$RAWTEL" trace uprobe "$RAWTEL_PROGS/rtt_dns:rtt_target_fn" > /dev/null 2> "$T_TMP/k.e" &
rt=$!; track_pid $rt
wait_for "$T_TMP/k.e" tracing 200
kill -KILL $rt; wait $rt 2>/dev/null
stale=$(uprobe_entries)
RAWTEL_UPROBE_TRACEFS=1 "$RAWTEL" trace uprobe "$RAWTEL_PROGS/rtt_dns:rtt_target_fn" --duration 0 > /dev/null 2>&1
left=$(uprobe_entries)
[ "$stale" -eq 2 ] && [ "$left" -eq 0 ] && pass uprobe_tracefs_stale ||
	fail uprobe_tracefs_stale "entries after SIGKILL: $stale (want 2), after the next run: $left"
