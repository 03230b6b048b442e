#!/bin/sh
# rawtel sym: output, exit codes and errors. Oracles: nm for addresses,
# readelf's program headers for the uprobe file offsets, /proc/PID/maps for
# the library a process maps.
. "$RAWTEL_TOP/tests/lib.sh"
prog=$RAWTEL_PROGS/elf_target

# offset_of ADDR FILE: the file offset (hex) that readelf's executable LOAD
# program headers give the hex address ADDR
offset_of() {
	x=$((0x$1))
	readelf -lW "$2" | while read -r type off vaddr paddr fsz rest; do
		[ "$type" = LOAD ] || continue
		case $rest in *"E 0x"*) ;; *) continue ;; esac
		if [ "$x" -ge $((vaddr)) ] && [ "$x" -lt $((vaddr + fsz)) ]; then
			printf '%x\n' $((x - vaddr + off))
			break
		fi
	done
}

t_func() {
	out=$T_TMP/func.out
	if ! "$RAWTEL" sym "$prog" elf_target_fn > "$out" 2> "$T_TMP/func.err"; then
		fail sym_func "exit $?: $(cat "$T_TMP/func.err")"; return
	fi
	addr=$(nm "$prog" | awk '$3 == "elf_target_fn" { print $1 }')
	want_off=$(offset_of "$addr" "$prog")
	line=$(sed -n 2p "$out")
	set -- $line
	if [ "$(wc -l < "$out")" -ne 2 ] || [ "$1" != "$addr" ] || [ "$2" != "$want_off" ] ||
	   [ "$4" != FUNC ] || [ "$5" != GLOBAL ] || [ "$6" != elf_target_fn ]; then
		fail sym_func "got '$line', want address $addr offset $want_off FUNC GLOBAL"
		return
	fi
	head -n 1 "$out" | grep -Eq '^ADDRESS +OFFSET +SIZE TYPE +BIND +NAME$' ||
		{ fail sym_func "header: $(head -n 1 "$out")"; return; }
	pass sym_func
}

t_glob_sorted_aligned() {
	out=$T_TMP/glob.out
	"$RAWTEL" sym "$prog" 'elf_target_*' > "$out" 2>/dev/null ||
		{ fail sym_glob "exit $?"; return; }
	names=$(tail -n +2 "$out" | awk '{ print $NF }' | sort | tr '\n' ' ')
	[ "$names" = "elf_target_fn elf_target_local " ] ||
		{ fail sym_glob "names: $names"; return; }
	# sorted by address, every NAME in the same column
	tail -n +2 "$out" | awk '{ print $1 }' | sort -c 2>/dev/null ||
		{ fail sym_glob "not sorted by address"; return; }
	cols=$(awk '{ print index($0, $NF) }' "$out" | sort -u | wc -l)
	[ "$cols" -eq 1 ] || { fail sym_glob "columns not aligned"; return; }
	# the whole table: the functions with an offset are nm's text symbols
	ours=$("$RAWTEL" sym "$prog" 2>/dev/null | awk '$4 == "FUNC" && $2 != "-" { print $NF }' | sort | tr '\n' ' ')
	theirs=$(nm --defined-only "$prog" | awk '$2 ~ /^[Tt]$/ { print $3 }' | sort | tr '\n' ' ')
	[ "$ours" = "$theirs" ] || { fail sym_glob "functions: $ours; nm: $theirs"; return; }
	pass sym_glob
}

t_libc() {
	out=$T_TMP/libc.out
	"$RAWTEL" sym libc getaddrinfo > "$out" 2> "$T_TMP/libc.err" ||
		{ fail sym_libc "exit $?: $(cat "$T_TMP/libc.err")"; return; }
	lib=$(sed -n 's/^libc: \([^,]*\).*/\1/p' "$T_TMP/libc.err")
	addr=$(readelf --dyn-syms -W "$lib" | awk '$8 ~ /^getaddrinfo@@/ { print $2 }' | sed 's/^0*//')
	want_off=$(offset_of "$addr" "$lib")
	set -- $(sed -n 2p "$out")
	got_addr=$(echo "$1" | sed 's/^0*//')
	case $6 in getaddrinfo@@GLIBC_*) ;; *) fail sym_libc "name $6"; return ;; esac
	[ "$got_addr" = "$addr" ] && [ "$2" = "$want_off" ] && [ "$4" = FUNC ] ||
		{ fail sym_libc "got $*, readelf says address $addr offset $want_off"; return; }
	pass sym_libc
}

t_pid() {
	"$prog" wait > "$T_TMP/wait.out" &
	pid=$!
	track_pid $pid
	wait_for "$T_TMP/wait.out" ready 50 || { fail sym_pid "test program did not start"; return; }
	want=$(awk '$6 ~ /\/libc[.-]/ { print $6; exit }' "/proc/$pid/maps")
	"$RAWTEL" sym --pid "$pid" c getaddrinfo > /dev/null 2> "$T_TMP/pid.err" ||
		{ fail sym_pid "exit $?: $(cat "$T_TMP/pid.err")"; return; }
	grep -q "^c: $want\(, symbols from .*\)\{0,1\}\$" "$T_TMP/pid.err" ||
		{ fail sym_pid "resolved $(cat "$T_TMP/pid.err"), process maps $want"; return; }
	"$RAWTEL" sym --pid "$pid" elf_target elf_target_fn > /dev/null 2>&1 ||
		{ fail sym_pid "program by name through its pid"; return; }
	pass sym_pid
}

# expect NAME CODE PATTERN CMD...: exit code and stderr
expect() {
	name=$1 code=$2 pat=$3
	shift 3
	"$RAWTEL" sym "$@" > /dev/null 2> "$T_TMP/err"
	rc=$?
	if [ $rc -ne "$code" ] || ! grep -q -- "$pat" "$T_TMP/err"; then
		fail "$name" "rawtel sym $*: exit $rc, stderr: $(head -c 300 "$T_TMP/err")"
		return 1
	fi
	return 0
}

t_errors() {
	: > "$T_TMP/empty"
	mkfifo "$T_TMP/fifo"
	expect sym_errors 1 "no symbol matches 'nope_\*'" "$prog" 'nope_*' &&
	expect sym_errors 1 "is a character device" /dev/zero &&
	expect sym_errors 1 "is a directory" "$T_TMP" &&
	expect sym_errors 1 "is a FIFO" "$T_TMP/fifo" &&
	expect sym_errors 1 "is empty" "$T_TMP/empty" &&
	expect sym_errors 1 "not an ELF file" /etc/passwd &&
	expect sym_errors 1 "cannot open /nonexistent" /nonexistent &&
	expect sym_errors 1 "cannot find 'libnosuchlib_rt'" libnosuchlib_rt &&
	expect sym_errors 1 "nothing after '@'" "$prog" 'x@' &&
	expect sym_errors 2 "usage" &&
	expect sym_errors 2 "not a process id" --pid abc libc &&
	expect sym_errors 1 "no process" --pid 1073741800 libc &&
	pass sym_errors
}

# Malformed program headers: symbols still listed, no offsets, one warning.
t_bad_segments() {
	bad=$T_TMP/bad_phdr
	cp "$prog" "$bad"
	# p_align (8 bytes at +48 in an ELF64 program header) of the first
	# LOAD: 0x1000 -> 0x1003
	idx=$(readelf -lW "$prog" | awk '/^ +[A-Z_]+ +0x/ { if ($1 == "LOAD") { print n; exit } n++ }')
	printf '\003' | dd of="$bad" bs=1 seek=$((64 + idx * 56 + 48)) conv=notrunc 2>/dev/null
	"$RAWTEL" sym "$bad" elf_target_fn > "$T_TMP/bad.out" 2> "$T_TMP/bad.err" ||
		{ fail sym_bad_segments "exit $?: $(cat "$T_TMP/bad.err")"; return; }
	set -- $(sed -n 2p "$T_TMP/bad.out")
	[ "$2" = - ] && [ "$6" = elf_target_fn ] &&
		grep -q "no file offsets: .*alignment 0x1003 is not a power of two" "$T_TMP/bad.err" ||
		{ fail sym_bad_segments "$(cat "$T_TMP/bad.out" "$T_TMP/bad.err")"; return; }
	pass sym_bad_segments
}

t_func
t_bad_segments
t_glob_sorted_aligned
t_libc
t_pid
t_errors
