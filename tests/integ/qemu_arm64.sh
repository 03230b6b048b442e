#!/bin/sh
# rawtel on arm64: Debian 12's 6.1 arm64 cloud kernel booted under
# qemu-system-aarch64 (TCG) with an initramfs holding rawtel built by
# `make static ARCH=aarch64` and the test programs built by the same
# musl cross compiler (scripts/cross-musl). Inside the VM tests/qemu/init
# runs what it runs on x86_64 (tests/integ/qemu_kernel61.sh: probe, trace
# on both buffer paths and filters, tcp, http on both capture paths), and
# dns and function uprobes on the static musl rtt_dns_musl, and rawtel run
# writing OTLP protobuf files, which node decodes here.
# Under RAWTEL_REQUIRE_BPF=1 (CI) a missing qemu, cross compiler or kernel
# is a FAIL. RAWTEL_QEMU_TIMEOUT the VM's limit (s).
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
q=$top/build/qemu-arm64
pre=qemu_arm64
sd=$top/build/static-aarch64
progs="rtt_driver rtt_tcp rtt_http rtt_dns_musl rtt_dnsd rtt_opens"

. "$top/tests/qemu/prep.sh"
qemu="qemu-system-aarch64"
qemu_arm_guest arm64 aarch64-linux-gnu-gcc
# a 32-bit ARM program for the compat case: Debian's armhf busybox (its
# armhf lists have been out of sync before: without it only that case is
# missing)
bb32=$q/busybox32
if [ ! -x "$bb32" ] && sh "$top/scripts/apt-foreign" armhf "$q/bb32" busybox-static 2> "$T_TMP/bb32.err"; then
	mv "$q/bb32/bin/busybox" "$bb32"
fi
rm -rf "$q/bb32"
extra="$sd/tests/test_abi"
[ -x "$bb32" ] && extra="$extra $bb32"
qemu_arm_initramfs aarch64 build/static-aarch64/tests/test_abi

# the aarch64 binary stays within the issue's budget: 450 KB (460,800 bytes) stripped with every
# protocol linked (README)
qemu_size build/static-aarch64/rawtel 450

# no modules in the VM: what tracing needs must be built in
qemu_kernel_config BPF_SYSCALL BPF_EVENTS PERF_EVENTS TRACEPOINTS FTRACE_SYSCALLS EVENT_TRACING \
	DEBUG_INFO_BTF UPROBE_EVENTS BLK_DEV_INITRD TMPFS DEVTMPFS SERIAL_AMBA_PL011_CONSOLE \
	SERIAL_8250_PCI

# pauth-impdef: the architected pointer authentication is 2.5x slower to
# emulate, and nothing here needs it
limit=${RAWTEL_QEMU_TIMEOUT:-420}
con=$q/console.log res=$q/results.log qemu_tty=ttyAMA0
qemu_boot "$q/initramfs.cpio" "" -M virt -cpu max,pauth-impdef=on -smp 2 -m 512M

. "$top/tests/qemu/checks.sh"

# uprobes on the static musl program: dns lookups (rtt_dnsd answers
# NXDOMAIN in the VM) and function calls, with the checks of trace_uprobe.sh
for c in uprobe_dns_musl:dns uprobe_dns_perfbuf:dns uprobe_fn:fn uprobe_glob:glob; do
	u=${c%%:*} mode=${c#*:}
	if [ "$(cat "$vm/$u.rc" 2> /dev/null)" != 0 ]; then
		fail ${pre}_$u "rawtel exited $(cat "$vm/$u.rc" 2> /dev/null): $(cat "$vm/$u.err" 2> /dev/null)"
		[ -f "$vm/$u.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/$u.vlog"; }
	else
		python3 "$top/tests/integ/check_uprobe.py" ${pre}_$u "$vm/$u.jsonl" "$vm/$u.pid" 5 "$mode"
	fi
done

# rawtel run's OTLP protobuf files (tests/qemu/checks.sh)
check_run_files

# the 32-bit busybox32 running while rawtel traced: named as not seen
c32=$(cat "$vm/compat32.pid" 2> /dev/null)
if [ ! -x "$bb32" ]; then
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail ${pre}_compat32 "no armhf busybox: $(cat "$T_TMP/bb32.err")"
	else skip ${pre}_compat32 "no armhf busybox: $(cat "$T_TMP/bb32.err")"; fi
elif [ "$(cat "$vm/compat32.rc" 2> /dev/null)" != 0 ]; then
	fail ${pre}_compat32 "rawtel exited $(cat "$vm/compat32.rc" 2> /dev/null): $(cat "$vm/compat32.err" 2> /dev/null)"
elif [ "$(grep -c "not seen by the syscall probes but open: 32-bit processes.* $c32 (busybox32)" "$vm/compat32.err")" = 1 ]; then
	pass "${pre}_compat32 (a 32-bit process named as unseen)"
else
	fail ${pre}_compat32 "no one line naming the 32-bit pid $c32: $(cat "$vm/compat32.err")"
fi
# vm_has NAME FILE PATTERN WHAT WHY: ${pre}_NAME (WHAT) passes when the
# VM's FILE has a line matching PATTERN (grep's), else fails (WHY: FILE)
vm_has() {
	if grep -q "$3" "$vm/$2" 2> /dev/null; then pass "${pre}_$1 ($4)"; else
		fail ${pre}_$1 "$5: $(cat "$vm/$2" 2> /dev/null)"
	fi
}
# vm_one NAME PATTERN WHAT WHY: the same for exactly one line of compat32.err
vm_one() {
	if [ "$(grep -c "$2" "$vm/compat32.err" 2> /dev/null)" = 1 ]; then pass "${pre}_$1 ($3)"; else
		fail ${pre}_$1 "$4: $(cat "$vm/compat32.err" 2> /dev/null)"
	fi
}
# and the 32-bit cat's openat (raw_syscalls, kern/compat.S): its pid,
# the path, a file descriptor, read-only
cat32=$(cat "$vm/compat32.cat" 2> /dev/null)
if [ -x "$bb32" ]; then
	vm_has compat32_open compat32.opens \
		"\"pid\":$cat32,.*\"ret\":[0-9].*\"flags_names\":\"O_RDONLY[^\"]*\".*\"path\":\"/tmp/compat32/opened-by-compat32\"" \
		"a 32-bit process's openat traced" "no open of the 32-bit cat (pid $cat32)"
fi

# the 32-bit cat's exec, by the 64-bit shell (kern/exec.S's
# exec_compat_exit: raw_syscalls), and the one line saying its other
# syscalls (http's) are not seen
if [ -x "$bb32" ]; then
	vm_has compat32_exec compat32.execs \
		"\"pid\":$cat32,.*\"ret\":0,.*\"filename\":\"/bin/busybox32\",\"argv\":\[\"busybox32\",\"cat\"" \
		"a 64-bit shell's exec of a 32-bit program traced" "no exec of the 32-bit cat (pid $cat32)"
	vm_one compat32_unseen "not seen by the syscall probes but exec and open: 32-bit process $cat32 (busybox32)" \
		"its other syscalls named as unseen, one line" "no one line naming pid $cat32"
	# a 32-bit shell's exec of a 32-bit cat (exec_compat_enter and
	# exec_compat_exit: raw_syscalls at both ends), named as unseen too
	# (no pid from the VM: no line can match)
	shcat=$(cat "$vm/compat32.shcat" 2> /dev/null)
	vm_has compat32_exec32 compat32.execs \
		"\"pid\":$shcat,.*\"ret\":0,.*\"filename\":\"/bin/busybox32\",\"argv\":\[\"/bin/busybox32\",\"cat\",\"/tmp/compat32/opened-by-compat32\"\]" \
		"a 32-bit shell's exec of a 32-bit program traced" "no exec of the 32-bit shell's cat (pid $shcat)"
	vm_one compat32_unseen32 "not seen by the syscall probes but exec and open: 32-bit process $shcat (busybox32)" \
		"named as unseen, one line" "no one line naming pid $shcat"
	# its exec of a 64-bit program: seen (raw_syscalls:sys_exit, the
	# 32-bit number), and not named as unseen
	shcat64=$(cat "$vm/compat32.shcat64" 2> /dev/null)
	if [ -n "$shcat64" ] && grep -q "\"pid\":$shcat64,.*\"ret\":0,.*\"filename\":\"/bin/busybox\",\"argv\":\[\"/bin/busybox\",\"cat\"" \
		"$vm/compat32.execs" 2> /dev/null && ! grep -q "32-bit process $shcat64 " "$vm/compat32.err"; then
		pass "${pre}_compat32_exec64 (a 32-bit shell's exec of a 64-bit program traced, not named)"
	else
		fail ${pre}_compat32_exec64 "no exec of the 64-bit cat (pid $shcat64), or named: $(cat "$vm/compat32.execs" "$vm/compat32.err" 2> /dev/null)"
	fi
fi

# tests/unit/test_abi.c built for aarch64: pt_regs offsets and syscall
# numbers against the arm64 UAPI headers
if [ "$(cat "$vm/test_abi.rc" 2> /dev/null)" = 0 ]; then
	pass "${pre}_test_abi ($(grep -c "^PASS" "$vm/test_abi") cases)"
else
	fail ${pre}_test_abi "exit $(cat "$vm/test_abi.rc" 2> /dev/null): $(tail -n 5 "$vm/test_abi" 2> /dev/null)"
fi

# figures, for the README (TCG: emulation timings, noisy on a shared host:
# the best of three runs each)
best() { awk '/^real/ { sub(/s$/, "", $3); v = $3 + 0; if (m == "" || v < m) m = v } END { print m }' "$1"; }
if [ -s "$vm/figures.traced" ]; then
	u=$(best "$vm/figures.untraced") t=$(best "$vm/figures.traced")
	echo "--- figures in the arm64 VM (TCG) ---"
	grep started "$vm/figures.start"
	awk -v u="$u" -v t="$t" 'BEGIN { printf "openat(): %.1f us untraced, %.1f us traced (best of 3 x 20,000)\n", u * 50, t * 50 }'
	tail -n 1 "$vm/figures.err"
fi
