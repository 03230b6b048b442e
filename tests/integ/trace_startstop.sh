#!/bin/sh
# Nothing is lost at start or stop: rawtel trace exec,exit,open --duration
# 0.6 (and rawtel run) next to a loop of short processes (/bin/true, about
# a thousand a second here). Attaching and detaching take tens of ms per
# tracepoint; records made meanwhile, with nobody reading, filled the ring
# (8000-12000 lost per run here). The rings (1 MB; 256 KB per CPU) hold a
# few tenths of a second of this load, so while tracing the reader, woken
# at half, keeps up: a loss would be one at the edges. The loops must have
# run (enough exec events of /bin/true), or the case fails.
. "$RAWTEL_TOP/tests/lib.sh"
MIN_EXECS=50

# busy: two loops of /bin/true, each at most 40000 times and 30 s
# (stopped by PID)
LOOP='n=0; end=$(($(date +%s) + 30))
	while [ $n -lt 40000 ] && [ $(date +%s) -lt $end ]; do /bin/true; n=$((n + 1)); done'
busy() {
	sh -c "$LOOP" & loop1=$!; track_pid $loop1
	sh -c "$LOOP" & loop2=$!; track_pid $loop2
	sleep 0.3
}
unbusy() {
	kill $loop1 $loop2; wait $loop1 $loop2 2> /dev/null
}

# check NAME RC ERRFILE EXECS
check() {
	lost=$(sed -n 's/.* events, \([0-9]*\) lost in the kernel.*/\1/p' "$3")
	if [ "$2" -eq 0 ] && [ "$lost" = 0 ] && [ "$4" -ge $MIN_EXECS ]; then
		pass "$1 ($4 execs, 0 lost)"
	else
		fail "$1" "rc=$2 lost=${lost:-?} (want 0) execs=$4 (want >= $MIN_EXECS):" \
			"$(tail -n 1 "$3")"
	fi
}

trace_case() {
	name=$1; shift
	busy
	"$RAWTEL" trace exec,exit,open --json --duration 0.6 "$@" > "$T_TMP/$name.o" 2> "$T_TMP/$name.e"
	rc=$?
	unbusy
	check $name $rc "$T_TMP/$name.e" "$(grep -c '"event":"exec".*"filename":"/bin/true"' "$T_TMP/$name.o")"
}

run_case() {
	name=$1; shift
	busy
	"$RAWTEL" run --no-status --probes exec,exit,open --output "$T_TMP/$name" --no-spool \
		--duration 0.6 "$@" > /dev/null 2> "$T_TMP/$name.e"
	rc=$?
	unbusy
	check $name $rc "$T_TMP/$name.e" "$(grep -o '"process.executable.path","value":{"stringValue":"/bin/true"' \
		"$T_TMP/$name/logs.jsonl" 2>/dev/null | wc -l)"
}

require_bpf startstop_ringbuf || exit 0
trace_case startstop_ringbuf --ring-size 1M
trace_case startstop_perfbuf --perf-buffer --perf-pages 64
run_case startstop_run --ring-size 1M
