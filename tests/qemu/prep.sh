# What every qemu test does before and while its VM runs, sourced after
# tests/lib.sh by tests/integ/qemu_*.sh, with
#   top  the checkout, q the test's directory under build/,
#   pre  the tests' name prefix (qemu61, qemu_deploy, qemu_arm64, qemu_armmp)
# A step that cannot be done here (no qemu, no kernel) stops the test
# through qemu_unavailable; a build that fails stops it with a FAIL.

# qemu_unavailable WHY: ${pre}_boot fails in CI (RAWTEL_REQUIRE_BPF=1),
# is skipped elsewhere; the test stops
qemu_unavailable() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail ${pre}_boot "$1"; else skip ${pre}_boot "$1"; fi
	exit 0
}

# qemu_need CMD PACKAGE: CMD on PATH, or the test stops saying to install PACKAGE
qemu_need() {
	command -v "$1" > /dev/null ||
		qemu_unavailable "no $1: apt-get install $2 (sh scripts/install-deps test)"
}

# qemu_kernel [CACHE ARCH]: scripts/qemu-kernel's Debian 6.1 kernel in
# $kernel, its configuration's path in $kcfg
qemu_kernel() {
	if ! kernel=$(sh "$top/scripts/qemu-kernel" "$@" 2> "$T_TMP/kernel.err"); then
		qemu_unavailable "$(cat "$T_TMP/kernel.err")"
	fi
	kcfg=$(dirname "$kernel")/config-$(basename "$kernel" | sed 's/^vmlinuz-//')
}

# qemu_x86: $qemu (RAWTEL_QEMU, default qemu-system-x86_64), musl-gcc for
# the static binaries, the kernel; $accel (RAWTEL_QEMU_ACCEL, default tcg:
# nested KVM is not reliable on the machines this runs on) and $cpu for it
qemu_x86() {
	qemu=${RAWTEL_QEMU:-qemu-system-x86_64}
	qemu_need "$qemu" qemu-system-x86
	qemu_need "${MUSLCC:-musl-gcc}" musl-tools
	qemu_kernel
	accel=${RAWTEL_QEMU_ACCEL:-tcg}
	# shellcheck disable=SC2034 # the callers' qemu_boot options
	cpu=""
	[ "$accel" = kvm ] && cpu="-cpu host"
}

# qemu_arm_guest ARCH CC: for an ARM guest run by $qemu (TCG) with the
# programs built by CC: the tools, the Debian kernel of ARCH (arm64,
# armhf) and Debian's static busybox of ARCH in $bb, fetched once into $q
qemu_arm_guest() {
	qemu_need "$qemu" qemu-system-arm
	qemu_need "$2" "gcc-${2%-gcc}"
	qemu_kernel "$q" "$1"
	bb=$q/busybox
	if [ ! -x "$bb" ]; then
		if ! sh "$top/scripts/apt-foreign" "$1" "$q/bb" busybox-static 2> "$T_TMP/bb.err"; then
			qemu_unavailable "$(cat "$T_TMP/bb.err")"
		fi
		mv "$q/bb/bin/busybox" "$bb" && rm -rf "$q/bb"
	fi
	accel=tcg
}

# qemu_arm_initramfs ARCH [TARGET...]: rawtel, the programs $progs and
# the TARGETs built for ARCH (make ARCH=ARCH), and $q/initramfs.cpio of
# them with $bb and the files $extra
qemu_arm_initramfs() {
	qa_arch=$1; shift
	qa_targets="build/static-$qa_arch/rawtel"
	for qa_p in $progs; do qa_targets="$qa_targets build/static-$qa_arch/progs/$qa_p"; done
	# shellcheck disable=SC2086
	qemu_build "$qa_arch binaries" ARCH="$qa_arch" $qa_targets "$@"
	qemu_initramfs "$q/initramfs.cpio" STATIC_DIR="$top/build/static-$qa_arch" PROGS="$progs" \
		BUSYBOX="$bb" EXTRA_BINS="${extra:-}"
}

# qemu_build WHAT MAKE-ARGUMENT...: make in the checkout, or FAIL
# ${pre}_boot (building WHAT failed) and the test stops
qemu_build() {
	qb_what=$1; shift
	if ! make -s -C "$top" "$@" > "$T_TMP/make.out" 2>&1; then
		fail ${pre}_boot "building the $qb_what failed: $(tail -n 5 "$T_TMP/make.out")"
		exit 0
	fi
}

# qemu_initramfs IMAGE [VAR=VALUE...]: scripts/qemu-initramfs into IMAGE
# with the VARs (STATIC_DIR, PROGS, BUSYBOX, INIT, EXTRA_BINS) set for it
qemu_initramfs() {
	qi_img=$1; shift
	if ! env "$@" sh "$top/scripts/qemu-initramfs" "$qi_img" 2> "$T_TMP/initramfs.err"; then
		qemu_unavailable "$(cat "$T_TMP/initramfs.err")"
	fi
}

# qemu_size FILE KB: ${pre}_size passes when FILE (a static binary under
# build/) is at most KB KB
qemu_size() {
	qs=$(wc -c < "$top/$1")
	if [ "$qs" -le $(($2 * 1024)) ]; then pass "${pre}_size ($qs bytes)"; else
		fail ${pre}_size "$1 is $qs bytes, over $2 KB ($(($2 * 1024)) bytes)"
	fi
}

# qemu_kernel_config OPTION...: ${pre}_kernel_config passes when each
# CONFIG_OPTION is built in (=y): no modules in the VM
qemu_kernel_config() {
	qk_missing=""
	for qk in "$@"; do
		grep -qx "CONFIG_$qk=y" "$kcfg" || qk_missing="$qk_missing $qk"
	done
	if [ -z "$qk_missing" ]; then pass ${pre}_kernel_config; else
		fail ${pre}_kernel_config "not built in (=y) in $kcfg:$qk_missing"
	fi
}

# qemu_boot IMAGE CMDLINE MACHINE-OPTION...: $kernel booted by $qemu on
# the initramfs IMAGE with the kernel's CMDLINE after the console's, for
# at most $limit s (timeout's hard limit if the guest hangs; -no-reboot
# with panic=-1: a panic, or /init dying, ends qemu too). The console goes
# to $con, the results port to $res: the second serial port of the x86
# machine, a PCI serial port on ARM's virt one (its console: qemu_tty
# ttyAMA0). Sets rc and took.
qemu_boot() {
	qb_img=$1 qb_cmdline=$2; shift 2
	if [ "${qemu_tty:-ttyS0}" = ttyS0 ]; then set -- "$@" -serial "file:$res"
	else set -- "$@" -chardev "file,id=res,path=$res" -device pci-serial,chardev=res; fi
	rm -f "$con" "$res"
	start=$(date +%s)
	timeout -k 5 "$limit" "$qemu" -nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kernel" -initrd "$qb_img" \
		-append "console=${qemu_tty:-ttyS0} panic=-1 oops=panic${qb_cmdline:+ $qb_cmdline}" \
		-serial "file:$con" "$@" < /dev/null > "$T_TMP/qemu.out" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	echo "$(basename "$qemu") ($accel) ran ${took}s, exit $rc; console: $con, results: $res"
}
