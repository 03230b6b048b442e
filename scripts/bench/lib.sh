# Shared by scripts/bench-*: tracers started and stopped by PID, medians.
# Sourced after setting $tmp (a private directory).
: > "$tmp/pids"
bench_cleanup() {
	# SIGINT (what every tracer here handles), then SIGKILL for stragglers.
	# A process already gone is no error: under set -e the failed kill
	# ended the cleanup there, the script exited 1 after printing its
	# figures and its directory (in /dev/shm: memory) stayed behind
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill -INT "$p" 2>/dev/null || :; done
	sleep 1
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap bench_cleanup EXIT INT TERM

# bench_start READYFILE PATTERN CMD...: run CMD with stdout to $tmp/out and
# stderr to $tmp/err, wait until READYFILE ("out" or "err") has PATTERN
bench_start() {
	ready=$1 pattern=$2; shift 2
	"$@" > "$tmp/out" 2> "$tmp/err" &
	tracer=$!; echo $tracer >> "$tmp/pids"
	i=0
	while [ $i -lt 300 ]; do
		grep -q "$pattern" "$tmp/$ready" 2>/dev/null && { sleep 0.2; return 0; }
		kill -0 $tracer 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	echo "bench: $1 did not start: $(cat "$tmp/err")" >&2
	exit 1
}
bench_stop() {
	kill -INT "$tracer" 2>/dev/null; wait "$tracer" 2>/dev/null || true
	rm -f "$tmp/out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# bench_rounds NAME FIELDS SEL LOAD [RUN-OPTION...]: $rounds interleaved
# rounds of LOAD (a function given the case: none, floor, rawtel; it sets
# bench_n, the operations it made) untraced, under `rawtel trace http
# --null SEL` (the empty programs on the same hooks: the floor) and under
# `rawtel run --probes http SEL RUN-OPTION...`. rawtel's CPU per operation
# (us) goes to $tmp/NAME.cpu, counting the /proc/PID/stat FIELDS ("14":
# user time, "14 15": user and system), its summary line of each run to
# $tmp/NAME.summaries
bench_rounds() {
	br_name=$1 br_fields=$2 br_sel=$3 br_load=$4; shift 4
	r=0
	while [ $r -lt "$rounds" ]; do
		for k in none floor rawtel; do
			# $br_sel: no option, or --pid and its value
			# shellcheck disable=SC2086
			case $k in
			floor) bench_start err "tracing" "$RAWTEL" trace http --null $br_sel ;;
			rawtel) bench_start err "running:" "$RAWTEL" run --no-status --probes http $br_sel "$@" ;;
			esac
			[ $k = rawtel ] && br_t0=$(bench_ticks "$br_fields")
			"$br_load" $k
			if [ $k = rawtel ]; then
				# clock ticks of 10 ms per operation, in us
				echo "$br_t0 $(bench_ticks "$br_fields") $bench_n" |
					awk '{ print ($2 - $1) * 10000 / ($3 ? $3 : 1) }' >> "$tmp/$br_name.cpu"
				bench_stop
				sed -n 's/^rawtel: //p' "$tmp/err" | tail -n 1 >> "$tmp/$br_name.summaries"
			elif [ $k != none ]; then
				bench_stop
			fi
		done
		r=$((r + 1))
	done
}
# bench_ticks FIELDS: the sum of the tracer's /proc/PID/stat fields FIELDS
bench_ticks() {
	awk -v f="$1" '{ n = split(f, a, " "); s = 0; for (i = 1; i <= n; i++) s += $a[i]; print s }' \
		"/proc/$tracer/stat"
}
