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
# exchanges HTTP/1.1 over sockets it keyed for kernel TLS itself (in
# ktls_pre keyed before rawtel started).
# Under RAWTEL_REQUIRE_BPF=1 (CI) a missing qemu or kernel is a FAIL.
# RAWTEL_QEMU_ACCEL=kvm uses KVM (default tcg: nested KVM is not reliable on
# the machines this runs on), RAWTEL_QEMU_TIMEOUT the VM's limit (s),
# RAWTEL_QEMU another qemu-system-x86_64.
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
q=$top/build/qemu

pre=qemu61
. "$top/tests/qemu/prep.sh"
qemu_x86
qemu_build "static binaries" build/static/rawtel build/static/progs/rtt_driver \
	build/static/progs/rtt_tcp build/static/progs/rtt_http build/static/progs/rtt_ktls
# kernel TLS: its modules into the initramfs, the cases checked with http's
ktls_cases="" kmods=""
if kmods=$(sh "$top/scripts/qemu-kernel-modules" "$kernel" 2> "$T_TMP/kmods.err"); then
	ktls_cases="ktls ktls_old ktls_pre"
else
	kmods=""
	unavailable_ktls=$(cat "$T_TMP/kmods.err")
fi
qemu_initramfs "$q/initramfs.cpio" KMODS="$kmods" PROGS="rtt_driver rtt_tcp rtt_http rtt_ktls"

# The kernel has no modules in the VM: what tracing needs must be built in.
if [ -r "$kcfg" ]; then
	qemu_kernel_config BPF_SYSCALL BPF_EVENTS PERF_EVENTS TRACEPOINTS FTRACE_SYSCALLS \
		EVENT_TRACING DEBUG_INFO_BTF KPROBES BLK_DEV_INITRD TMPFS DEVTMPFS SERIAL_8250_CONSOLE
fi

limit=${RAWTEL_QEMU_TIMEOUT:-240}
con=$q/console.log res=$q/results.log
# shellcheck disable=SC2086
qemu_boot "$q/initramfs.cpio" "" -accel "$accel" $cpu -smp 2 -m 512M

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
