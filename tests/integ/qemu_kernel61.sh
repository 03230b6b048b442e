#!/bin/sh
# rawtel on a second kernel: Debian 12's 6.1 cloud kernel booted under
# qemu-system-x86_64 with an initramfs holding the static rawtel (see
# scripts/qemu-kernel, scripts/qemu-initramfs, tests/qemu/init). Inside the
# VM: rawtel probe, then rawtel trace exec,exit,open while rtt_driver runs
# (ring buffer, perf buffers, --pid, --comm), exactly as trace_events.sh
# does on the host, and rawtel trace tcp,retrans while rtt_tcp runs; the
# output comes back over a serial port and is checked here with
# check_trace.py and check_tcp.py.
# Under RAWTEL_REQUIRE_BPF=1 (CI) a missing qemu or kernel is a FAIL.
# RAWTEL_QEMU_ACCEL=kvm uses KVM (default tcg: nested KVM is not reliable on
# the machines this runs on), RAWTEL_QEMU_TIMEOUT the VM's limit (s),
# RAWTEL_QEMU another qemu-system-x86_64.
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
q=$top/build/qemu

# unavailable NAME WHY: FAIL in CI, SKIP elsewhere; the test stops
unavailable() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail "$1" "$2"; else skip "$1" "$2"; fi
	exit 0
}

qemu=${RAWTEL_QEMU:-qemu-system-x86_64}
command -v "$qemu" > /dev/null ||
	unavailable qemu61_boot "no qemu-system-x86_64: apt-get install qemu-system-x86 (sh scripts/install-deps test)"
command -v "${MUSLCC:-musl-gcc}" > /dev/null ||
	unavailable qemu61_boot "no musl-gcc for the static binaries: apt-get install musl-tools"
if ! kernel=$(sh "$top/scripts/qemu-kernel" 2> "$T_TMP/kernel.err"); then
	unavailable qemu61_boot "$(cat "$T_TMP/kernel.err")"
fi
if ! make -s -C "$top" build/static/rawtel build/static/progs/rtt_driver \
	build/static/progs/rtt_tcp build/static/progs/rtt_http > "$T_TMP/make.out" 2>&1; then
	fail qemu61_boot "building the static binaries failed: $(tail -n 5 "$T_TMP/make.out")"
	exit 0
fi
if ! sh "$top/scripts/qemu-initramfs" "$q/initramfs.cpio" 2> "$T_TMP/initramfs.err"; then
	unavailable qemu61_boot "$(cat "$T_TMP/initramfs.err")"
fi

# The kernel has no modules in the VM: what tracing needs must be built in.
cfg=$(dirname "$kernel")/config-$(basename "$kernel" | sed 's/^vmlinuz-//')
if [ -r "$cfg" ]; then
	missing=""
	for o in BPF_SYSCALL BPF_EVENTS PERF_EVENTS TRACEPOINTS FTRACE_SYSCALLS \
		EVENT_TRACING DEBUG_INFO_BTF KPROBES BLK_DEV_INITRD TMPFS DEVTMPFS SERIAL_8250_CONSOLE; do
		grep -qx "CONFIG_$o=y" "$cfg" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then pass qemu61_kernel_config; else
		fail qemu61_kernel_config "not built in (=y) in $cfg:$missing"
	fi
fi

accel=${RAWTEL_QEMU_ACCEL:-tcg}
cpu=""
[ "$accel" = kvm ] && cpu="-cpu host"
limit=${RAWTEL_QEMU_TIMEOUT:-240}
con=$q/console.log res=$q/results.log
rm -f "$con" "$res"
start=$(date +%s)
# -no-reboot with panic=-1: a kernel panic (or /init dying) ends qemu too;
# timeout is the hard limit if the guest hangs.
# shellcheck disable=SC2086
timeout -k 5 "$limit" "$qemu" -nodefaults -no-user-config -display none \
	-accel "$accel" $cpu -smp 2 -m 512M -no-reboot \
	-kernel "$kernel" -initrd "$q/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 oops=panic" \
	-serial "file:$con" -serial "file:$res" < /dev/null > "$T_TMP/qemu.out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
echo "qemu ($accel) ran ${took}s, exit $rc; console: $con, results: $res"

# results.log -> one file per section in $T_TMP/vm/ (\r from the tty)
vm=$T_TMP/vm
mkdir -p "$vm"
tr -d '\r' < "$res" 2> /dev/null | awk -v d="$vm" '
	/^@@@ BEGIN / { f = d "/" $3; printf "" > f; next }
	/^@@@ END / { close(f); f = ""; next }
	f != "" { print > f }'
if [ ! -f "$vm/done" ]; then
	why="exit $rc"
	[ "$rc" = 124 ] && why="killed after ${limit}s"
	fail qemu61_boot "the VM did not finish ($why): $(tail -n 2 "$T_TMP/qemu.out") (end of its console below)"
	tail -n 30 "$con"
fi
[ -f "$vm/uname" ] || exit 0
case $(cat "$vm/uname") in
6.1.*) [ -f "$vm/done" ] && pass "qemu61_boot (kernel $(cat "$vm/uname"), ${took}s under $accel)" ;;
*) fail qemu61_boot "the guest runs $(cat "$vm/uname"), not 6.1" ;;
esac
# a kernel warning while rawtel ran is a finding too
if grep -Eq 'WARNING:|BUG:|Call Trace:|Oops' "$con"; then
	fail qemu61_kernel_clean "kernel warnings: $(grep -E -A3 'WARNING:|BUG:|Oops' "$con" | head -n 8)"
else
	pass qemu61_kernel_clean
fi

# rawtel probe: ready, and the features this kernel has (kprobes, unlike
# the host's 6.18) reported as present
echo "--- rawtel probe on $(cat "$vm/uname") ---"
cat "$vm/probe"
if [ "$(cat "$vm/probe.rc" 2> /dev/null)" != 0 ]; then
	fail qemu61_probe "rawtel probe exited $(cat "$vm/probe.rc" 2> /dev/null): $(tail -n 3 "$vm/probe" 2> /dev/null)"
else
	bad=""
	# grep -E pattern of one row: name, state yes
	for row in 'tracefs +yes .*mounted by rawtel' 'tracepoints +yes' 'BPF ring buffer +yes' \
		'perf event array +yes' 'probe_read_user +yes' 'ktime_get_boot_ns +yes' \
		'BPF links +yes' 'task registers \(BTF\) +yes' 'kprobes +yes' 'BTF +yes' 'BPF JIT +yes' \
		'^tracing: ready \(BPF ring buffer'; do
		grep -Eq "$row" "$vm/probe" || bad="$bad [$row]"
	done
	# tracefs was not mounted before rawtel: it mounted it itself
	[ -s "$vm/tracefs_before" ] && bad="$bad [tracefs already mounted: $(cat "$vm/tracefs_before")]"
	if [ -z "$bad" ]; then pass qemu61_probe; else fail qemu61_probe "rows not as expected:$bad"; fi
fi

# check NAME MODE TRANSPORT: one traced run of the driver in the VM;
# TRANSPORT is what rawtel must say it used
check() {
	c=$1 name=qemu61_$1  # not $n: lib.sh's fail() sets it
	if [ ! -f "$vm/$c.rc" ]; then fail "$name" "no result from the VM"; return; fi
	if [ "$(cat "$vm/$c.rc")" != 0 ]; then
		fail "$name" "rawtel exited $(cat "$vm/$c.rc"): $(cat "$vm/$c.err")"
		[ -f "$vm/$c.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/$c.vlog"; }
		return
	fi
	grep -q "lost in the kernel" "$vm/$c.err" || { fail "$name" "no summary: $(cat "$vm/$c.err")"; return; }
	grep -q "^rawtel: tracing exec,exit,open ($3)" "$vm/$c.err" ||
		{ fail "$name" "not through $3: $(cat "$vm/$c.err")"; return; }
	[ -s "$vm/$c.pids" ] || { fail "$name" "the driver printed no pids: $(cat "$vm/$c.err")"; return; }
	python3 "$top/tests/integ/check_trace.py" "$name" "$vm/$c.jsonl" "$vm/$c.pids" "$2"
}
check trace_ringbuf all "BPF ring buffer"
check trace_perfbuf all "per-CPU perf buffers"
check trace_filter_pid pid "BPF ring buffer"
check trace_filter_comm comm "BPF ring buffer"
check trace_filter_pid_perfbuf pid "per-CPU perf buffers"

# tcp,retrans: the kernel's layouts differ (tcp_send_reset before 6.10);
# what its tracepoints cannot give is expected missing, as the VM lists them
if [ "$(cat "$vm/tcp.rc" 2> /dev/null)" != 0 ]; then
	fail qemu61_tcp "rawtel exited $(cat "$vm/tcp.rc" 2> /dev/null): $(cat "$vm/tcp.err" 2> /dev/null)"
	[ -f "$vm/tcp.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/tcp.vlog"; }
else
	grep -q sock_send_length "$vm/tcp.tps" && io=io || io=noio
	grep -q "field:.*saddr\[28\]" "$vm/tcp.tps" && rst=rstnosock || rst=norstnosock
	echo "--- the 6.1 kernel: $io $rst ---"
	python3 "$top/tests/integ/check_tcp.py" life qemu61_tcp_life "$vm/tcp.jsonl" "$vm/tcp.life" \
		127.0.0.1 all $io
	python3 "$top/tests/integ/check_tcp.py" resets qemu61_tcp_resets "$vm/tcp.jsonl" \
		"$vm/tcp.refused" "$vm/tcp.abort" 127.0.0.1 $io $rst
fi

# http: the exact exchanges of rtt_http's script, both capture paths
for c in http:"BPF ring buffer" http_old:"per-CPU perf buffers"; do
	h=${c%%:*} tr=${c#*:}
	if [ "$(cat "$vm/$h.rc" 2> /dev/null)" != 0 ]; then
		fail qemu61_$h "rawtel exited $(cat "$vm/$h.rc" 2> /dev/null): $(cat "$vm/$h.err" 2> /dev/null)"
		[ -f "$vm/$h.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/$h.vlog"; }
	elif ! grep -q "^rawtel: tracing http ($tr)" "$vm/$h.err" || ! grep -q " 0 lost in the kernel" "$vm/$h.err"; then
		fail qemu61_$h "not through $tr, or events lost: $(cat "$vm/$h.err")"
	else
		python3 "$top/tests/integ/check_http.py" run qemu61_$h "$vm/$h.jsonl" "$vm/$h.run" 127.0.0.1
	fi
done
