#!/bin/sh
# rawtel on a second kernel: Debian 12's 6.1 cloud kernel booted under
# qemu-system-x86_64 with an initramfs holding the static rawtel (see
# scripts/qemu-kernel, scripts/qemu-initramfs, tests/qemu/init). Inside the
# VM: rawtel probe, then rawtel trace exec,exit,open while rtt_driver runs
# (ring buffer, perf buffers, --pid, --comm), exactly as trace_events.sh
# does on the host, and rawtel trace tcp,retrans while rtt_tcp runs; the
# output comes back over a serial port and is checked here with
# check_trace.py and check_tcp.py. Where the kernel's TLS modules can be had
# (scripts/qemu-kernel-modules), rawtel trace http also while rtt_ktls
# exchanges HTTP/1.1 over sockets it keyed for kernel TLS itself.
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
	build/static/progs/rtt_tcp build/static/progs/rtt_http build/static/progs/rtt_ktls \
	> "$T_TMP/make.out" 2>&1; then
	fail qemu61_boot "building the static binaries failed: $(tail -n 5 "$T_TMP/make.out")"
	exit 0
fi
# kernel TLS: its modules into the initramfs, the cases checked with http's
ktls_cases="" kmods=""
if kmods=$(sh "$top/scripts/qemu-kernel-modules" "$kernel" 2> "$T_TMP/kmods.err"); then
	ktls_cases="ktls ktls_old"
else
	kmods=""
	unavailable_ktls=$(cat "$T_TMP/kmods.err")
fi
if ! KMODS=$kmods PROGS="rtt_driver rtt_tcp rtt_http rtt_ktls" \
	sh "$top/scripts/qemu-initramfs" "$q/initramfs.cpio" 2> "$T_TMP/initramfs.err"; then
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

pre=qemu61
. "$top/tests/qemu/checks.sh"

# kernel TLS: what rtt_ktls itself said (checks.sh checked the exchanges)
if [ -z "$ktls_cases" ]; then
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail qemu61_ktls "$unavailable_ktls"
	else skip qemu61_ktls "$unavailable_ktls"; fi
fi
for h in $ktls_cases; do
	if [ "$(cat "$vm/$h.run.err" 2> /dev/null)" = "exit 0" ]; then pass qemu61_${h}_prog; else
		fail qemu61_${h}_prog "rtt_ktls: $(cat "$vm/$h.run.err" 2> /dev/null) (insmod: $(cat "$vm/ktls.insmod" 2> /dev/null))"
	fi
done
