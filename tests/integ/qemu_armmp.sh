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
sd=$top/build/static-armhf
progs="rtt_driver rtt_tcp rtt_http"

unavailable() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail "$1" "$2"; else skip "$1" "$2"; fi
	exit 0
}

command -v qemu-system-arm > /dev/null ||
	unavailable ${pre}_boot "no qemu-system-arm: apt-get install qemu-system-arm (sh scripts/install-deps test)"
command -v arm-linux-gnueabihf-gcc > /dev/null ||
	unavailable ${pre}_boot "no arm-linux-gnueabihf-gcc: apt-get install gcc-arm-linux-gnueabihf (sh scripts/install-deps test)"
if ! kernel=$(sh "$top/scripts/qemu-kernel" "$q" armhf 2> "$T_TMP/kernel.err"); then
	unavailable ${pre}_boot "$(cat "$T_TMP/kernel.err")"
fi
bb=$q/busybox
if [ ! -x "$bb" ]; then
	if ! sh "$top/scripts/apt-foreign" armhf "$q/bb" busybox-static 2> "$T_TMP/bb.err"; then
		unavailable ${pre}_boot "$(cat "$T_TMP/bb.err")"
	fi
	mv "$q/bb/bin/busybox" "$bb" && rm -rf "$q/bb"
fi
targets="build/static-armhf/rawtel"
for p in $progs; do targets="$targets build/static-armhf/progs/$p"; done
# shellcheck disable=SC2086
if ! make -s -C "$top" ARCH=armhf $targets > "$T_TMP/make.out" 2>&1; then
	fail ${pre}_boot "building the armhf binaries failed: $(tail -n 5 "$T_TMP/make.out")"
	exit 0
fi
if ! STATIC_DIR=$sd PROGS=$progs BUSYBOX=$bb sh "$top/scripts/qemu-initramfs" \
	"$q/initramfs.cpio" 2> "$T_TMP/initramfs.err"; then
	unavailable ${pre}_boot "$(cat "$T_TMP/initramfs.err")"
fi

# the armhf binary stays within its budget (README: 400 KB stripped)
size=$(wc -c < "$sd/rawtel")
if [ "$size" -le $((400 * 1024)) ]; then pass "${pre}_size ($((size / 1024)) KB)"; else
	fail ${pre}_size "build/static-armhf/rawtel is $((size / 1024)) KB, over 400 KB"
fi

accel=tcg
limit=${RAWTEL_QEMU_TIMEOUT:-420}
con=$q/console.log res=$q/results.log
rm -f "$con" "$res"
start=$(date +%s)
timeout -k 5 "$limit" qemu-system-arm -nodefaults -no-user-config -display none \
	-M virt,highmem=off -cpu cortex-a15 -smp 2 -m 512M -no-reboot \
	-kernel "$kernel" -initrd "$q/initramfs.cpio" \
	-append "console=ttyAMA0 panic=-1 oops=panic" \
	-serial "file:$con" -chardev "file,id=res,path=$res" -device pci-serial,chardev=res \
	< /dev/null > "$T_TMP/qemu.out" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
echo "qemu-system-arm (tcg) ran ${took}s, exit $rc; console: $con, results: $res"

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
