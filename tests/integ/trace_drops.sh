#!/bin/sh
# A ring far too small for a burst of opens, with rawtel stopped (SIGSTOP)
# while the burst runs so the ring must overflow: every call is either
# printed or counted as lost, exactly, on both buffer kinds; a full ring is
# never fatal.
. "$RAWTEL_TOP/tests/lib.sh"
N=20000
# a command name of this run's own, so nothing else on the machine matches
# --comm (other test runs included)
OPENS=$T_TMP/rto$$
OPENS=$(echo "$OPENS" | cut -c1-$((${#T_TMP} + 16)))
cp "$RAWTEL_PROGS/rtt_opens" "$OPENS"
COMM=$(basename "$OPENS" | cut -c1-15)

drops_case() {
	name=$1; shift
	"$RAWTEL" trace open --comm "$COMM" "$@" > "$T_TMP/$name.o" 2> "$T_TMP/$name.e" &
	rt=$!; track_pid $rt
	wait_for "$T_TMP/$name.e" tracing 200 || { fail "$name" "did not start: $(cat "$T_TMP/$name.e")"; return; }
	kill -STOP $rt
	"$OPENS" $N
	kill -CONT $rt
	sleep 0.5
	kill -INT $rt; wait $rt; rc=$?
	seen=$(grep -c " $COMM .*ENOENT .*/nonexistent/rtt-opens\$" "$T_TMP/$name.o")
	lost=$(sed -n 's/.* events, \([0-9]*\) lost in the kernel.*/\1/p' "$T_TMP/$name.e")
	if [ $rc -eq 0 ] && [ -n "$lost" ] && [ $((seen + lost)) -eq $N ] && [ "$lost" -gt 0 ]; then
		pass "$name ($seen printed + $lost lost = $N)"
	else
		fail "$name" "rc=$rc printed=$seen lost=${lost:-?} want sum $N and some lost: $(tail -n 1 "$T_TMP/$name.e")"
	fi
}

require_bpf drops_ringbuf || exit 0
drops_case drops_ringbuf --ring-size 4096
drops_case drops_perfbuf --perf-buffer --perf-pages 1
