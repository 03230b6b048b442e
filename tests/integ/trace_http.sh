#!/bin/sh
# rawtel trace http against tests/progs/rtt_http on loopback: the exact
# exchanges of a script that uses every syscall kind (read/write, recv/
# send, readv/writev, recvmsg/sendmsg, sendfile), keep-alive, pipelining,
# a chunked response, a 2 MB body, a request split across many writes and
# a non-blocking connect, seen from both sides (IPv4 and IPv6, ring buffer
# and perf buffers, exit programs alone or with entries where task
# registers are off); a connection older than rawtel; selection by --pid
# (a child forked after start followed), --comm and --port (nginx's shape:
# the master binds, a worker accepts); unselected processes unseen; and
# python3 -m http.server with curl; a pipelining client whose reads are
# captured only in part.
. "$RAWTEL_TOP/tests/lib.sh"
HTTP="$RAWTEL_PROGS/rtt_http"
CHECK="$RAWTEL_TOP/tests/integ/check_http.py"

# start_trace NAME [options]: rawtel trace http --json in the background (tests/lib.sh)
start_trace() { st_name=$1; shift; trace_bg "$st_name" 300 http "$@"; }

# a python3 http.server and curl, unselected, while a filtered trace runs
noise() {
	curl -s -o /dev/null "http://127.0.0.1:$PYPORT/" || true
}

require_bpf http_script_ipv4 || exit 0

PYPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T_TMP/www" && echo "hello from python" > "$T_TMP/www/index.txt"
(cd "$T_TMP/www" && exec python3 -m http.server "$PYPORT" --bind 127.0.0.1 > /dev/null 2>&1) &
py=$!; track_pid $py
i=0; while ! curl -s -o /dev/null "http://127.0.0.1:$PYPORT/" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# script NAME ADDR MODE [options]; MODE all, comm or pid
script() {
	name=$1 addr=$2 mode=$3; shift 3
	if [ "$mode" = pid ]; then
		# the pid is known before rtt_http runs: a shell waits on a fifo,
		# then execs it in place; its server is a child forked later
		fifo="$T_TMP/$name.fifo"; mkfifo "$fifo"
		sh -c 'read x < "$1"; exec "$2" run "$3" > "$4"' sh "$fifo" "$HTTP" "$addr" \
			"$T_TMP/$name.run" &
		drv=$!; track_pid $drv
		start_trace "$name" --pid $drv "$@" || return
		echo go > "$fifo"
		noise
		wait $drv || { fail "$name" "rtt_http failed"; return; }
	else
		[ "$mode" = comm ] && set -- "$@" --comm rtt_http
		start_trace "$name" "$@" || return
		[ "$mode" = comm ] && noise
		"$HTTP" run "$addr" > "$T_TMP/$name.run" || { fail "$name" "rtt_http failed"; return; }
	fi
	stop_trace "$name" || return
	if [ "$mode" = all ]; then
		# every process is traced: keep only rtt_http's
		grep '"comm":"rtt_http"' "$T_TMP/$name.jsonl" > "$T_TMP/$name.mine"
		mv "$T_TMP/$name.mine" "$T_TMP/$name.jsonl"
	fi
	python3 "$CHECK" run "$name" "$T_TMP/$name.jsonl" "$T_TMP/$name.run" "$addr"
}

script http_script_ipv4 127.0.0.1 all
script http_script_ipv6 ::1 all
script http_script_perfbuf 127.0.0.1 all --perf-buffer
script http_script_capture_4096 ::1 all --capture-bytes 4096
script http_select_pid 127.0.0.1 pid
script http_select_comm ::1 comm --perf-buffer
# kernels without task registers: the payload's entry programs park what
# the exits need (kern/sockio.S)
RAWTEL_FEATURES_OFF=task_regs script http_script_no_task_regs 127.0.0.1 all
RAWTEL_FEATURES_OFF=task_regs script http_select_pid_no_task_regs ::1 pid --perf-buffer

# a connection made before rawtel started: seeded from /proc
name=http_seeded
fifo="$T_TMP/seed.fifo"; mkfifo "$fifo"
"$HTTP" seed 127.0.0.1 "$fifo" > "$T_TMP/$name.run" 2> "$T_TMP/$name.ready" &
sd=$!; track_pid $sd
if wait_for "$T_TMP/$name.ready" ready 100 && start_trace $name --comm rtt_http; then
	echo go > "$fifo"
	wait $sd
	if stop_trace $name; then
		if grep -q "1 connection.* older than rawtel" "$T_TMP/$name.err" ||
		   grep -q "2 connections older than rawtel" "$T_TMP/$name.err"; then
			python3 "$CHECK" run $name "$T_TMP/$name.jsonl" "$T_TMP/$name.run" 127.0.0.1
		else
			fail $name "no seeded connections: $(cat "$T_TMP/$name.err")"
		fi
	fi
else
	fail $name "rtt_http seed or rawtel did not start"
fi

# --port: the process that binds it (after rawtel started) and the worker
# it forks; not the client, nor anyone else
name=http_select_port
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if start_trace $name --port "$PORT"; then
	noise
	"$HTTP" prefork 127.0.0.1 "$PORT" 3 > "$T_TMP/$name.run" || fail $name "rtt_http prefork failed"
	stop_trace $name && python3 "$CHECK" prefork $name "$T_TMP/$name.jsonl" "$T_TMP/$name.run" 127.0.0.1
fi

# real programs: python3 -m http.server (older than rawtel: its listener
# is seeded) and curl
name=http_python_curl
if start_trace $name; then
	for p in /index.txt /missing.txt /; do
		curl -s -o /dev/null "http://127.0.0.1:$PYPORT$p"
	done
	stop_trace $name && python3 "$CHECK" real $name "$T_TMP/$name.jsonl" $py "$PYPORT" 127.0.0.1 \
		/index.txt /missing.txt /
fi

# a client pipelining four requests a send whose reads of the responses
# are captured only in part: no response paired with the wrong request,
# every request a span, pairing again after a quiet (in one process with
# its server: both roles)
name=http_pipelined_cut
python3 "$RAWTEL_TOP/tests/integ/http_pipe_cut.py" drive 30 3.5 "$T_TMP/$name.go" \
	> "$T_TMP/$name.run" 2>&1 &
pc=$!; track_pid $pc
if start_trace $name --pid $pc; then
	touch "$T_TMP/$name.go"
	wait $pc
	if stop_trace $name; then
		if out=$(python3 "$RAWTEL_TOP/tests/integ/http_pipe_cut.py" check "$T_TMP/$name.jsonl" 30); then
			pass $name
		else
			fail $name "$out"
		fi
	fi
fi

# the text layout: a header and one line per exchange
get_index() { curl -s -o /dev/null "http://127.0.0.1:$PYPORT/index.txt"; }
name=http_text
if trace_text $name 0.3 get_index http --comm curl; then
	if head -n 1 "$T_TMP/$name.out" | grep -q "^TIME  *PID  *COMM  *ROLE  *PROTO  *METHOD  *TARGET  *STATUS  *LATENCY(ms)  *REQ  *RESP  *PEER$" &&
	   [ "$(grep -c " curl  *C  *1\.[01]  *GET  */index.txt  *200  .* 127.0.0.1:$PYPORT$" "$T_TMP/$name.out")" = 1 ] &&
	   [ "$(wc -l < "$T_TMP/$name.out")" = 2 ]; then
		pass $name
	else
		fail $name "unexpected text output: $(cat "$T_TMP/$name.out")"
	fi
fi

# --raw: the records themselves
name=http_raw
if trace_text $name 0.3 get_index http --raw --json --comm curl; then
	if grep -q '"event":"sock","time".*"comm":"curl".*"kind":"connect".*"role":"client"' "$T_TMP/$name.out" &&
	   grep -q '"event":"data".*"dir":"send","call":"sendto".*"seq":0,"bytes":"GET /index.txt HTTP/1.1\\r\\n' "$T_TMP/$name.out" &&
	   grep -q '"event":"data".*"dir":"recv".*"bytes":"HTTP/1.0 200 OK' "$T_TMP/$name.out" &&
	   grep -q '"kind":"close"' "$T_TMP/$name.out"; then
		pass $name
	else
		fail $name "unexpected records: $(head -c 2000 "$T_TMP/$name.out")"
	fi
fi
