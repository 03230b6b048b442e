#!/bin/sh
# rawtel trace tcp,retrans against tests/progs/rtt_tcp on loopback: exactly
# the connections it made, both sides, with owners, bytes, states and
# durations (IPv4 and IPv6, ring buffer and perf buffers, --pid, --comm),
# and the resets of a refused connect and of an aborting server.
. "$RAWTEL_TOP/tests/lib.sh"
TCP="$RAWTEL_PROGS/rtt_tcp"
CHECK="$RAWTEL_TOP/tests/integ/check_tcp.py"
N=4 HOLD=150

# start_trace NAME [options]: rawtel trace tcp,retrans --json in the
# background, until stop_trace (tests/lib.sh)
start_trace() { st_name=$1; shift; trace_bg "$st_name" 200 tcp,retrans "$@"; }

# life NAME ADDR MODE [options]
life() {
	name=$1 addr=$2 mode=$3; shift 3
	if [ "$mode" = pid ]; then
		# the client's pid is known before it runs: a shell waits on a
		# fifo, then execs rtt_tcp in place
		fifo="$T_TMP/$name.fifo"; mkfifo "$fifo"
		sh -c 'read x < "$1"; exec "$2" life "$3" "$4" "$5" > "$6"' sh "$fifo" "$TCP" "$addr" \
			$N $HOLD "$T_TMP/$name.run" &
		drv=$!; track_pid $drv
		set -- "$@" --pid $drv
		start_trace "$name" "$@" || return
		echo go > "$fifo"
		wait $drv
	else
		[ "$mode" = comm ] && set -- "$@" --comm rtt_tcp
		start_trace "$name" "$@" || return
		"$TCP" life "$addr" $N $HOLD > "$T_TMP/$name.run" || { fail "$name" "rtt_tcp failed"; return; }
	fi
	stop_trace "$name" || return
	python3 "$CHECK" life "$name" "$T_TMP/$name.jsonl" "$T_TMP/$name.run" "$addr" "$mode"
}

require_bpf tcp_life_ipv4 || exit 0
life tcp_life_ipv4 127.0.0.1 all
life tcp_life_ipv6 ::1 all
life tcp_life_perfbuf 127.0.0.1 all --perf-buffer
life tcp_life_filter_pid 127.0.0.1 pid
life tcp_life_filter_comm ::1 comm

for buf in ring perf; do
	name=tcp_resets_$buf
	[ $buf = perf ] && set -- --perf-buffer || set --
	start_trace $name "$@" || continue
	"$TCP" refused 127.0.0.1 > "$T_TMP/$name.refused" &&
		"$TCP" abort 127.0.0.1 > "$T_TMP/$name.abort" || fail $name "rtt_tcp failed"
	stop_trace $name &&
		python3 "$CHECK" resets $name "$T_TMP/$name.jsonl" "$T_TMP/$name.refused" \
			"$T_TMP/$name.abort" 127.0.0.1
done

# the text layout: a header and one line per connection, as tcplife prints
"$RAWTEL" trace tcp > "$T_TMP/text.out" 2> "$T_TMP/text.err" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/text.err" "tracing" 200; then
	"$TCP" life 127.0.0.1 1 10 > "$T_TMP/text.run"
	sleep 0.3
	kill -INT $rt; wait $rt
	port=$(sed 's/.*"port":\([0-9]*\).*/\1/' "$T_TMP/text.run")
	if head -n 1 "$T_TMP/text.out" | grep -q "^TIME  *PID  *COMM  *LADDR  *LPORT  *RADDR  *RPORT  *TX_KB  *RX_KB  *MS  *STATES$" &&
	   [ "$(grep -c " 127.0.0.1  *$port .*SYN_SENT>ESTABLISHED>FIN_WAIT1>" "$T_TMP/text.out")" = 1 ] &&
	   [ "$(grep -c "rtt_tcp  *127.0.0.1  *$port .* 0.2  *0.1  .*SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE$" "$T_TMP/text.out")" = 1 ]; then
		pass tcp_text
	else
		fail tcp_text "unexpected text output: $(cat "$T_TMP/text.out")"
	fi
else
	fail tcp_text "rawtel did not start: $(cat "$T_TMP/text.err")"
fi
