#!/bin/sh
# rawtel trace exec,exit,open against a driver that makes known events:
# exact events on the BPF ring buffer and on per-CPU perf buffers, and the
# in-kernel --pid and --comm filters; and the paths older kernels take, run
# here with RAWTEL_FEATURES_OFF (open with entry programs where the caller's
# registers are out of reach; bpf_probe_read, the monotonic clock, no links).
. "$RAWTEL_TOP/tests/lib.sh"
DRIVER="$RAWTEL_PROGS/rtt_driver"

# run_case NAME MODE [rawtel options]: trace while the driver runs once
run_case() {
	name=$1 mode=$2; shift 2
	out="$T_TMP/$name.jsonl" err="$T_TMP/$name.err" pids="$T_TMP/$name.pids"
	work="$T_TMP/$name.d"; mkdir -p "$work"
	fifo="$T_TMP/$name.fifo"; mkfifo "$fifo"
	# the driver's pid is known before it runs: a shell waits on the fifo,
	# then execs the driver in place (same pid), for --pid
	sh -c 'read x < "$1"; exec "$2" "$3" > "$4"' sh "$fifo" "$DRIVER" "$work" "$pids" &
	drv=$!; track_pid $drv
	case $mode in pid) set -- "$@" --pid "$drv" ;; comm) set -- "$@" --comm rtt_driver ;; esac
	"$RAWTEL" trace exec,exit,open --json "$@" > "$out" 2> "$err" &
	rt=$!; track_pid $rt
	if ! wait_for "$err" "tracing" 200; then
		fail "$name" "rawtel did not start: $(cat "$err")"; return
	fi
	echo go > "$fifo"
	wait $drv
	sleep 0.5
	kill -INT $rt; wait $rt; rc=$?
	if [ $rc -ne 0 ]; then fail "$name" "rawtel exited $rc: $(cat "$err")"; return; fi
	grep -q "lost in the kernel" "$err" || { fail "$name" "no summary: $(cat "$err")"; return; }
	python3 "$RAWTEL_TOP/tests/integ/check_trace.py" "$name" "$out" "$pids" "$mode"
}

require_bpf trace_ringbuf || exit 0
run_case trace_ringbuf all
run_case trace_perfbuf all --perf-buffer
run_case trace_filter_pid pid
run_case trace_filter_comm comm
run_case trace_filter_pid_perfbuf pid --perf-buffer
RAWTEL_FEATURES_OFF=task_regs run_case trace_no_task_regs all
RAWTEL_FEATURES_OFF=task_regs run_case trace_no_task_regs_comm comm
RAWTEL_FEATURES_OFF=ringbuf,probe_read_user,boot_ns,links,task_regs \
	run_case trace_old_kernel_profile all
