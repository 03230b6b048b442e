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

unavailable() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail "$1" "$2"; else skip "$1" "$2"; fi
	exit 0
}

qemu=qemu-system-aarch64
command -v $qemu > /dev/null ||
	unavailable ${pre}_boot "no qemu-system-aarch64: apt-get install qemu-system-arm (sh scripts/install-deps test)"
command -v aarch64-linux-gnu-gcc > /dev/null ||
	unavailable ${pre}_boot "no aarch64-linux-gnu-gcc: apt-get install gcc-aarch64-linux-gnu (sh scripts/install-deps test)"
if ! kernel=$(sh "$top/scripts/qemu-kernel" "$q" arm64 2> "$T_TMP/kernel.err"); then
	unavailable ${pre}_boot "$(cat "$T_TMP/kernel.err")"
fi
bb=$q/busybox
if [ ! -x "$bb" ]; then
	if ! sh "$top/scripts/apt-foreign" arm64 "$q/bb" busybox-static 2> "$T_TMP/bb.err"; then
		unavailable ${pre}_boot "$(cat "$T_TMP/bb.err")"
	fi
	mv "$q/bb/bin/busybox" "$bb" && rm -rf "$q/bb"
fi
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
targets="build/static-aarch64/rawtel build/static-aarch64/tests/test_abi"
for p in $progs; do targets="$targets build/static-aarch64/progs/$p"; done
# shellcheck disable=SC2086
if ! make -s -C "$top" ARCH=aarch64 $targets > "$T_TMP/make.out" 2>&1; then
	fail ${pre}_boot "building the aarch64 binaries failed: $(tail -n 5 "$T_TMP/make.out")"
	exit 0
fi
if ! STATIC_DIR=$sd PROGS=$progs BUSYBOX=$bb EXTRA_BINS=$extra sh "$top/scripts/qemu-initramfs" \
	"$q/initramfs.cpio" 2> "$T_TMP/initramfs.err"; then
	unavailable ${pre}_boot "$(cat "$T_TMP/initramfs.err")"
fi

# the aarch64 binary stays within the issue's budget: 450 KB (460,800 bytes) stripped with every
# protocol linked (README)
size=$(wc -c < "$sd/rawtel")
if [ "$size" -le 460800 ]; then pass "${pre}_size ($size bytes)"; else
	fail ${pre}_size "build/static-aarch64/rawtel is $size bytes, over 460,800 (450 KB)"
fi

# no modules in the VM: what tracing needs must be built in
cfg=$(dirname "$kernel")/config-$(basename "$kernel" | sed 's/^vmlinuz-//')
missing=""
for o in BPF_SYSCALL BPF_EVENTS PERF_EVENTS TRACEPOINTS FTRACE_SYSCALLS EVENT_TRACING \
	DEBUG_INFO_BTF UPROBE_EVENTS BLK_DEV_INITRD TMPFS DEVTMPFS SERIAL_AMBA_PL011_CONSOLE \
	SERIAL_8250_PCI; do
	grep -qx "CONFIG_$o=y" "$cfg" || missing="$missing $o"
done
if [ -z "$missing" ]; then pass ${pre}_kernel_config; else
	fail ${pre}_kernel_config "not built in (=y) in $cfg:$missing"
fi

# pauth-impdef: the architected pointer authentication is 2.5x slower to
# emulate, and nothing here needs it
accel=tcg
limit=${RAWTEL_QEMU_TIMEOUT:-420}
con=$q/console.log res=$q/results.log
rm -f "$con" "$res"
start=$(date +%s)
timeout -k 5 "$limit" $qemu -nodefaults -no-user-config -display none \
	-M virt -cpu max,pauth-impdef=on -smp 2 -m 512M -no-reboot \
	-kernel "$kernel" -initrd "$q/initramfs.cpio" \
	-append "console=ttyAMA0 panic=-1 oops=panic" \
	-serial "file:$con" -chardev "file,id=res,path=$res" -device pci-serial,chardev=res \
	< /dev/null > "$T_TMP/qemu.out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
echo "qemu-system-aarch64 (tcg) ran ${took}s, exit $rc; console: $con, results: $res"

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
# and the 32-bit cat's openat (raw_syscalls, kern/compat.S): its pid,
# the path, a file descriptor, read-only
cat32=$(cat "$vm/compat32.cat" 2> /dev/null)
if [ -x "$bb32" ]; then
	if grep -q "\"pid\":$cat32,.*\"ret\":[0-9].*\"flags_names\":\"O_RDONLY[^\"]*\".*\"path\":\"/tmp/compat32/opened-by-compat32\"" \
		"$vm/compat32.opens" 2> /dev/null; then
		pass "${pre}_compat32_open (a 32-bit process's openat traced)"
	else
		fail ${pre}_compat32_open "no open of the 32-bit cat (pid $cat32): $(cat "$vm/compat32.opens" 2> /dev/null)"
	fi
fi

# the 32-bit cat's exec, by the 64-bit shell (kern/exec.S's
# exec_compat_exit: raw_syscalls), and the one line saying its other
# syscalls (http's) are not seen
if [ -x "$bb32" ]; then
	if grep -q "\"pid\":$cat32,.*\"ret\":0,.*\"filename\":\"/bin/busybox32\",\"argv\":\[\"busybox32\",\"cat\"" \
		"$vm/compat32.execs" 2> /dev/null; then
		pass "${pre}_compat32_exec (a 64-bit shell's exec of a 32-bit program traced)"
	else
		fail ${pre}_compat32_exec "no exec of the 32-bit cat (pid $cat32): $(cat "$vm/compat32.execs" 2> /dev/null)"
	fi
	if [ "$(grep -c "not seen by the syscall probes but exec and open: 32-bit process $cat32 (busybox32)" "$vm/compat32.err")" = 1 ]; then
		pass "${pre}_compat32_unseen (its other syscalls named as unseen, one line)"
	else
		fail ${pre}_compat32_unseen "no one line naming pid $cat32: $(cat "$vm/compat32.err")"
	fi
	# a 32-bit shell's exec of a 32-bit cat (exec_compat_enter and
	# exec_compat_exit: raw_syscalls at both ends), named as unseen too
	shcat=$(cat "$vm/compat32.shcat" 2> /dev/null)
	if [ -n "$shcat" ] && grep -q "\"pid\":$shcat,.*\"ret\":0,.*\"filename\":\"/bin/busybox32\",\"argv\":\[\"/bin/busybox32\",\"cat\",\"/tmp/compat32/opened-by-compat32\"\]" \
		"$vm/compat32.execs" 2> /dev/null; then
		pass "${pre}_compat32_exec32 (a 32-bit shell's exec of a 32-bit program traced)"
	else
		fail ${pre}_compat32_exec32 "no exec of the 32-bit shell's cat (pid $shcat): $(cat "$vm/compat32.execs" 2> /dev/null)"
	fi
	if [ -n "$shcat" ] && [ "$(grep -c "not seen by the syscall probes but exec and open: 32-bit process $shcat (busybox32)" "$vm/compat32.err")" = 1 ]; then
		pass "${pre}_compat32_unseen32 (named as unseen, one line)"
	else
		fail ${pre}_compat32_unseen32 "no one line naming pid $shcat: $(cat "$vm/compat32.err")"
	fi
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
