# The first checks after any qemu test's VM ran tests/qemu/init: sourced
# by tests/qemu/checks.sh and tests/integ/qemu_armmp.sh, with
#   pre    the tests' name prefix (qemu61, qemu_arm64, qemu_armmp)
#   res    the results serial port's file, con the console's
#   rc     qemu's exit status, took its seconds, limit its time limit,
#   accel  tcg or kvm; T_TMP, top and lib.sh's pass/fail as in the tests
# Sets vm: the directory of the VM's sections (one file each); checks that
# the VM booted 6.1 and finished, and that the kernel logged no warnings.
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
	fail ${pre}_boot "the VM did not finish ($why): $(tail -n 2 "$T_TMP/qemu.out") (end of its console below)"
	tail -n 30 "$con"
fi
[ -f "$vm/uname" ] || exit 0
case $(cat "$vm/uname") in
6.1.*) [ -f "$vm/done" ] && pass "${pre}_boot (kernel $(cat "$vm/uname"), ${took}s under $accel)" ;;
*) fail ${pre}_boot "the guest runs $(cat "$vm/uname"), not 6.1" ;;
esac
# a kernel warning while rawtel ran is a finding too
if grep -Eq 'WARNING:|BUG:|Call Trace:|Oops' "$con"; then
	fail ${pre}_kernel_clean "kernel warnings: $(grep -E -A3 'WARNING:|BUG:|Oops' "$con" | head -n 8)"
else
	pass ${pre}_kernel_clean
fi

