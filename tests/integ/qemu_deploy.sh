#!/bin/sh
# rawtel started early from an initramfs, and its busybox init script, run
# for real in a VM (Debian 12's 6.1 cloud kernel under qemu, as
# qemu_kernel61.sh boots it).
# On the host first: the initramfs-tools hook (scripts/deploy/initramfs-tools/
# hooks/rawtel) run as mkinitramfs runs it, with initramfs-tools' own
# copy_exec and copy_file (mkinitramfs itself is not installed: it needs
# udev and the kernel's modules): what it puts into the image, that it
# leaves out a settings file others may write, that it goes on without the
# binary; shellcheck of the hook, the init-top script, the cpio recipe.
# In the VM: the test initramfs (scripts/qemu-initramfs, /init =
# tests/qemu/init_deploy), gzipped, with scripts/deploy/initramfs-append's
# archive after it, booted with rdinit=/rawtel/init: rawtel runs before
# the test's init, whose programs' exec records (and that of the init
# itself) are in the early output; then rawtel.init start takes over (the
# early instance stopped and its files flushed), status says running,
# stop ends it, status says stopped, its output holds what ran meanwhile.
# A second boot: the same base with the hook's files and the init-top
# script in initramfs-tools' layout after it; the test's init does what
# initramfs-tools' does around init-top, then switch_root to a new root
# with /run moved onto it: the early instance still traces there and its
# files (a program run after the switch among them) are complete in the
# new root's /run once rawtel.init takes over.
# rawtel.openrc needs openrc-run, not in the VM: deploy_init.sh checks its
# syntax. Under RAWTEL_REQUIRE_BPF=1 (CI) a missing qemu or kernel is a FAIL.
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
dep=$top/scripts/deploy
q=$top/build/qemu-deploy
mkdir -p "$q"

# --- the initramfs-tools hook ---
if command -v shellcheck > /dev/null; then
	if shellcheck -s sh "$dep/initramfs-append" "$dep/initramfs-tools/hooks/rawtel" \
		"$dep/initramfs-tools/scripts/init-top/rawtel" "$dep/rawtel.init" > "$T_TMP/sc.out" 2>&1; then
		pass qemu_deploy_shellcheck
	else fail qemu_deploy_shellcheck "$(head -c 600 "$T_TMP/sc.out")"; fi
fi
h=$T_TMP/hook
mkdir -p "$h/dest"
# initramfs-tools' own hook-functions (copy_exec, copy_file), from Debian's
# initramfs-tools-core fetched once into $q (not installed: it would pull in
# udev); stand-ins that copy the same way where it cannot be fetched
hf=$q/hook-functions
if [ ! -s "$hf" ] && command -v apt-get > /dev/null && command -v dpkg-deb > /dev/null; then
	mkdir -p "$h/deb"
	(cd "$h/deb" && timeout 60 apt-get download initramfs-tools-core > /dev/null 2>&1 &&
		dpkg-deb -x initramfs-tools-core_*.deb x &&
		cp x/usr/share/initramfs-tools/hook-functions "$hf.tmp" && mv "$hf.tmp" "$hf")
fi
if [ -s "$hf" ]; then
	how="initramfs-tools' hook-functions"
	cp "$hf" "$h/functions"
else
	how="stand-in copy_exec/copy_file"
	cat > "$h/functions" << 'EOF2'
copy_exec() { mkdir -p "$DESTDIR$(dirname "$2")"; cp "$1" "$DESTDIR$2"; }
copy_file() { mkdir -p "$DESTDIR$(dirname "$3")"; cp "$2" "$DESTDIR$3"; }
EOF2
fi
sed "s|/usr/share/initramfs-tools/hook-functions|$h/functions|" \
	"$dep/initramfs-tools/hooks/rawtel" > "$h/rawtel"
printf 'OTEL_SERVICE_NAME=x\n' > "$h/rawtel.env"
printf '#!/bin/sh\n' > "$h/bin"
chmod 600 "$h/rawtel.env"
chmod 755 "$h/bin"
# run_hook NAME: the hook as mkinitramfs runs it (DESTDIR, verbose), its
# files in $h; what it wrote to $h/NAME.files (/usr/sbin/rawtel where
# /sbin is /usr/sbin, as on Debian 12), what it said to $h/NAME.out
run_hook() {
	rm -rf "$h/dest"
	mkdir "$h/dest"
	DESTDIR=$h/dest verbose=n RAWTEL=$h/bin RAWTEL_ENV_FILE=$h/rawtel.env \
		sh "$h/rawtel" > "$h/$1.out" 2>&1
	hook_rc=$?
	(cd "$h/dest" && find . -type f | sed 's/^\.//; s|^/usr/sbin/|/sbin/|' | sort) > "$h/$1.files"
}
run_hook ok
prereqs=$(sh "$h/rawtel" prereqs)
printf '/etc/rawtel/rawtel.env\n/sbin/rawtel\n' > "$h/want"
bin_in=$(find "$h/dest" -name rawtel -type f | head -n 1)
if [ $hook_rc -eq 0 ] && [ -z "$prereqs" ] && cmp -s "$h/want" "$h/ok.files" &&
   cmp -s "$h/bin" "$bin_in" && cmp -s "$h/rawtel.env" "$h/dest/etc/rawtel/rawtel.env"; then
	pass "qemu_deploy_hook_copies ($how)"
else
	fail qemu_deploy_hook_copies "rc $hook_rc, prereqs '$prereqs', files: $(cat "$h/ok.files" "$h/ok.out")"
fi
chmod 620 "$h/rawtel.env"
run_hook writable
if [ $hook_rc -eq 0 ] && [ "$(cat "$h/writable.files")" = /sbin/rawtel ] &&
   grep -q "may be written by others" "$h/writable.out"; then
	pass qemu_deploy_hook_refuses_writable_settings
else
	fail qemu_deploy_hook_refuses_writable_settings "rc $hook_rc: $(cat "$h/writable.files" "$h/writable.out")"
fi
rm "$h/bin"
run_hook nobin
if [ $hook_rc -eq 0 ] && [ ! -s "$h/nobin.files" ] && grep -q "missing" "$h/nobin.out"; then
	pass qemu_deploy_hook_without_binary
else
	fail qemu_deploy_hook_without_binary "rc $hook_rc: $(cat "$h/nobin.files" "$h/nobin.out")"
fi

# --- the VM ---
pre=qemu_deploy
. "$top/tests/qemu/prep.sh"
qemu_x86
qemu_build "static binary" build/static/rawtel
qemu_initramfs "$q/base.cpio" INIT="$top/tests/qemu/init_deploy" PROGS="" EXTRA_BINS="$dep/rawtel.init"
# as a distribution's initramfs is: compressed, with an odd length
gzip -1 -n < "$q/base.cpio" > "$q/base.cpio.gz"
# the early instance: exec and exit only (the quickest to attach)
printf '%s\n' 'OTEL_SERVICE_NAME=svc-early' 'RAWTEL_EARLY_OPTS="--probes exec,exit"' > "$T_TMP/early.env"
chmod 600 "$T_TMP/early.env"
if ! RAWTEL=$top/build/static/rawtel RAWTEL_ENV_FILE=$T_TMP/early.env sh "$dep/initramfs-append" "$q/base.cpio.gz" \
	"$q/initramfs.img" > "$T_TMP/append.out" 2>&1; then
	fail qemu_deploy_append "$(cat "$T_TMP/append.out")"
	exit 0
fi
pass qemu_deploy_append

# the same hook, run for the image with the static binary: its files and
# the init-top script in initramfs-tools' layout (/sbin a link to usr/sbin
# as mkinitramfs makes it on a merged /usr), after the same base
it=$T_TMP/itools
mkdir -p "$it/scripts/init-top"
if DESTDIR=$it verbose=n RAWTEL=$top/build/static/rawtel RAWTEL_ENV_FILE=$T_TMP/early.env \
	sh "$h/rawtel" > "$T_TMP/itools.out" 2>&1; then
	cp "$dep/initramfs-tools/scripts/init-top/rawtel" "$it/scripts/init-top/rawtel"
	[ -e "$it/sbin" ] || ln -s usr/sbin "$it/sbin"
	cp "$q/base.cpio.gz" "$q/initramfs-tools.img"
	# the next archive at a multiple of 4 bytes (initramfs-append does so)
	pad=$(( (4 - $(wc -c < "$q/base.cpio.gz") % 4) % 4 ))
	head -c "$pad" /dev/zero >> "$q/initramfs-tools.img"
	(cd "$it" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >> "$q/initramfs-tools.img"
else
	fail qemu_deploy_itools_hook "$(cat "$T_TMP/itools.out")"
fi

limit=${RAWTEL_QEMU_TIMEOUT:-150}
# boot NAME IMAGE CMDLINE: the VM on IMAGE, its serial ports' files
# $q/NAME.console.log and $q/NAME.results.log; sets con, res, rc, took
boot() {
	con=$q/$1.console.log res=$q/$1.results.log
	# shellcheck disable=SC2086
	qemu_boot "$2" "$3" -accel "$accel" $cpu -smp 1 -m 384M
	rm -rf "$T_TMP/vm"
}
v() { cat "$vm/$1" 2> /dev/null; }

# check_run PREFIX MARKERS: the early instance traced, and wrote the exec
# records of MARKERS, the init's programs before the takeover (not the
# one after it); rawtel.init start/status/stop/status did their part
check_run() {
	p=$1 missing=""
	for m in $2; do grep -q "\"$m\"" "$vm/early.logs" || missing="$missing $m"; done
	if [ "$(v early.alive)" = yes ] && [ -z "$missing" ] &&
	   grep -q 'svc-early' "$vm/early.logs" && ! grep -q '"svc-marker"' "$vm/early.logs"; then
		pass "${p}_early"
	else
		fail "${p}_early" "alive at init: $(v early.alive); missing:$missing; its log: $(v early.log | tail -n 3); exec records: $(grep -o '"exec [^"]*' "$vm/early.logs" 2> /dev/null | head -n 8 | tr '\n' ' ')"
	fi
	# the early script left the mounts to the init (sysfs twice on /sys:
	# EBUSY); every archive was unpacked
	if grep -q -e "^mount: " -e "Initramfs unpacking failed" "$con"; then
		fail "${p}_early_mounts" "$(grep -e "^mount: " -e "Initramfs unpacking" "$con" | head -n 3)"
	else
		pass "${p}_early_mounts"
	fi
	if [ "$(v init.start.rc)" = 0 ] && [ "$(v early.alive_after_start)" = no ] &&
	   [ "$(v early.pidfile_after_start)" = no ] && [ "$(v init.status.rc)" = 0 ] &&
	   grep -q "rawtel is running" "$vm/init.status"; then
		pass "${p}_init_start_status"
	else
		fail "${p}_init_start_status" "start $(v init.start.rc), early alive after: $(v early.alive_after_start), status $(v init.status.rc) '$(v init.status)'; log: $(v svc.log | tail -n 3)"
	fi
	if [ "$(v init.stop.rc)" = 0 ] && [ "$(v svc.alive_after_stop)" = no ] &&
	   [ "$(v init.pidfile_after_stop)" = no ] && [ "$(v init.status_after.rc)" = 3 ] &&
	   grep -q '"svc-marker"' "$vm/svc.logs" && grep -q svc-from-init "$vm/svc.logs"; then
		pass "${p}_init_stop"
	else
		fail "${p}_init_stop" "stop $(v init.stop.rc), alive after: $(v svc.alive_after_stop), pidfile: $(v init.pidfile_after_stop), status $(v init.status_after.rc); svc-marker in the output: $(grep -c svc-marker "$vm/svc.logs" 2> /dev/null)"
	fi
}

# the plain cpio recipe: rawtel traces before /init is exec'd
boot plain "$q/initramfs.img" rdinit=/rawtel/init
pre=qemu_deploy
. "$top/tests/qemu/vm.sh"
if [ -f "$vm/done" ]; then
	check_run qemu_deploy "early-marker"
	if grep -q '"exec /init"' "$vm/early.logs"; then
		pass qemu_deploy_early_before_init
	else
		fail qemu_deploy_early_before_init "no exec record of /init in the early output"
	fi
fi

# initramfs-tools' layout, then switch_root: the early instance goes on
# writing into the /run the real root now has
[ -f "$q/initramfs-tools.img" ] || exit 0
boot itools "$q/initramfs-tools.img" ""
pre=qemu_deploy_itools
. "$top/tests/qemu/vm.sh"
[ -f "$vm/done" ] || exit 0
if [ "$(v switched)" = yes ] && [ "$(v early.alive_after_switch)" = yes ]; then
	pass qemu_deploy_itools_switch_root
else
	fail qemu_deploy_itools_switch_root "switched: $(v switched), early rawtel alive after it: $(v early.alive_after_switch)"
fi
check_run qemu_deploy_itools "early-marker after-switch-marker"
