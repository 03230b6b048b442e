# Shared by scripts/bench-*: tracers started and stopped by PID, medians.
# Sourced after setting $tmp (a private directory).
: > "$tmp/pids"
bench_cleanup() {
	# SIGINT (what every tracer here handles), then SIGKILL for stragglers
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill -INT "$p" 2>/dev/null; done
	sleep 1
	for p in $(cat "$tmp/pids" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
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
