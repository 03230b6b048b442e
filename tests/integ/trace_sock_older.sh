#!/bin/sh
# A connection established before rawtel started, first used by a process
# started after it: a parent (python3) connects to a real redis-server
# (loopback, a free port, a temp dir, stopped by its PID) and waits;
# rawtel trace redis starts (--pid the parent: its socket is seeded, the
# children it forks are selected); then the parent forks and execs a
# redis-cli-like child (python3 speaking RESP) on the inherited fd. The
# kernel side learns the socket at the child's first send without its
# addresses (sk_born never saw it established: kern/sock.S BORN_BEFORE);
# user space finds them in /proc by the fd (user/probes/sockseed.c). The
# child's commands, exactly, with their statuses (a WRONGTYPE), the
# client role and the server as peer; the summary counts the socket found.
# Twice: a child that lingers, and one that exits at its last reply (rawtel
# is woken at once to read /proc; should the child still be gone first,
# its connection is not followed and is counted so, never a guessed peer).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf sock_older || exit 0
if ! command -v redis-server > /dev/null; then
	need sock_older "redis-server is not installed (scripts/install-deps test)"
	exit 0
fi
redis_up sock_older

cat > "$T_TMP/parent.py" << 'EOF'
import socket, subprocess, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
sys.stdin.readline()
fd = s.fileno()
subprocess.run([sys.executable, sys.argv[2], str(fd), sys.argv[3]], pass_fds=[fd], check=True)
EOF
cat > "$T_TMP/child.py" << 'EOF'
import socket, sys, time
s = socket.socket(fileno=int(sys.argv[1]))
def cmd(*a):
    s.sendall(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in a))
    got = b""
    while not got.endswith(b"\r\n"):
        got += s.recv(4096)
for c in ([b"SET", b"ok", b"s3cret"], [b"GET", b"ok"], [b"LPUSH", b"ol", b"a"],
          [b"GET", b"ol"], [b"DEL", b"ok", b"ol"]):
    cmd(*c)
    time.sleep(float(sys.argv[2]))
s.detach()
EOF
want="redis python3 client SET - OK -1 True True
redis python3 client GET - OK -1 True True
redis python3 client LPUSH - OK -1 True True
redis python3 client GET - WRONGTYPE -1 True True
redis python3 client DEL - OK -1 True True"

for pause in 0.05 0; do
	name=sock_older_$( [ $pause = 0 ] && echo quick || echo lingering )
	mkfifo "$T_TMP/$name.fifo"
	/usr/bin/python3 "$T_TMP/parent.py" "$port" "$T_TMP/child.py" $pause \
		< "$T_TMP/$name.fifo" > "$T_TMP/$name.out" 2>&1 &
	drv=$!; track_pid $drv
	exec 3> "$T_TMP/$name.fifo"
	if ! wait_for "$T_TMP/$name.out" connected 100; then
		fail $name "no connection: $(cat "$T_TMP/$name.out")"; exec 3>&-; continue
	fi
	if ! trace_bg $name 300 redis --pid $drv; then exec 3>&-; continue; fi
	echo go >&3; exec 3>&-
	wait $drv
	stop_trace $name || continue
	got=$(db_lines $name "$port")
	if [ "$got" = "$want" ] && ! grep -q s3cret "$T_TMP/$name.jsonl" &&
	   grep -q " 1 older sockets found at first use (0 gone first)" "$T_TMP/$name.err"; then
		pass $name
	elif [ $pause = 0 ] && [ ! -s "$T_TMP/$name.jsonl" ] &&
	     grep -q " 0 older sockets found at first use (1 gone first)" "$T_TMP/$name.err"; then
		# the child gone before rawtel read /proc (a loaded machine):
		# not followed, counted, no guessed peer
		pass "$name (gone first)"
	else
		fail $name "got: $got; $(cat "$T_TMP/$name.out" "$T_TMP/$name.err")"
	fi
done
