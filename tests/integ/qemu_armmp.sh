#!/bin/sh
# rawtel on a 32-bit ARM kernel: Debian 12's 6.1 armmp kernel booted under
# qemu-system-arm -M virt,highmem=off (TCG) with an initramfs holding
# rawtel built by `make static ARCH=armhf` and Debian's armhf busybox.
# Checked: the binary's size, the boot, `rawtel probe` ready on the BPF
# ring buffer, advising the JIT (off as Debian ships it) and seeing it on
# once turned on; then, with the JIT on, what tests/qemu/init runs on
# arm64 and x86_64 (tests/qemu/checks.sh: trace on both buffer paths and
# filters, tcp, http on the entry-parking paths, the only ones without BTF)
# with the programs built by the armhf musl cross compiler, rawtel run's
# OTLP protobuf files decoded here, and the one line the uprobe-based
# probes (dns, uprobe) give on this kernel.
# Under RAWTEL_REQUIRE_BPF=1 (CI) a missing qemu, cross compiler or kernel
# is a FAIL. RAWTEL_QEMU_TIMEOUT the VM's limit (s).
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
q=$top/build/qemu-armmp
pre=qemu_armmp
progs="rtt_driver rtt_tcp rtt_http"

. "$top/tests/qemu/prep.sh"
qemu="qemu-system-arm"
qemu_arm_guest armhf arm-linux-gnueabihf-gcc
qemu_arm_initramfs armhf

# the armhf binary stays within its budget (README: 400 KB stripped)
qemu_size build/static-armhf/rawtel 400

limit=${RAWTEL_QEMU_TIMEOUT:-420}
con=$q/console.log res=$q/results.log qemu_tty=ttyAMA0
qemu_boot "$q/initramfs.cpio" "" -M virt,highmem=off -cpu cortex-a15 -smp 2 -m 512M

own_probe_check=1
. "$top/tests/qemu/checks.sh"

echo "--- rawtel probe on $(cat "$vm/uname") (JIT as shipped, then on) ---"
cat "$vm/probe" "$vm/probe_jit" 2> /dev/null
bad=""
# grep -E pattern of one row or line
for row in 'armv7l' 'tracefs +yes' 'tracepoints +yes' 'BPF ring buffer +yes' \
	'perf event array +yes' 'BPF JIT +no .*net.core.bpf_jit_enable=1' \
	'^tracing: ready \(BPF ring buffer' '^advice: .*sysctl -w net.core.bpf_jit_enable=1'; do
	grep -Eq "$row" "$vm/probe" 2> /dev/null || bad="$bad [$row]"
done
[ "$(cat "$vm/probe.rc" 2> /dev/null)" = 0 ] || bad="$bad [exit $(cat "$vm/probe.rc" 2> /dev/null)]"
if [ -z "$bad" ]; then pass ${pre}_probe; else fail ${pre}_probe "rows not as expected:$bad"; fi
# the JIT turned on: seen, and no more advice
if grep -Eq 'BPF JIT +yes +preferred +enabled' "$vm/probe_jit" 2> /dev/null &&
	! grep -q '^advice:' "$vm/probe_jit"; then
	pass ${pre}_probe_jit
else
	fail ${pre}_probe_jit "the JIT, turned on, not reported so: $(cat "$vm/probe_jit" 2> /dev/null)"
fi
# the uprobe-based probes: one line saying they do not work here
if [ "$(cat "$vm/trace32.rc" 2> /dev/null)" = 2 ] &&
	[ "$(wc -l < "$vm/trace32.err")" = 1 ] && grep -q "32-bit ARM kernels" "$vm/trace32.err"; then
	pass "${pre}_uprobe_refused ($(cat "$vm/trace32.err"))"
else
	fail ${pre}_uprobe_refused "rawtel trace dns exited $(cat "$vm/trace32.rc" 2> /dev/null): $(cat "$vm/trace32.err" 2> /dev/null)"
fi

# rawtel run's OTLP protobuf files (tests/qemu/checks.sh)
check_run_files
