# Shared by the database integration tests (tests/integ/trace_db*.sh),
# sourced after tests/lib.sh: real servers in a temp dir on loopback, on a
# free port, stopped by their PID; a client whose PID is known before it
# runs; the trace's JSON lines reduced to the fields a case asserts.

# needed, or the case fails in CI (RAWTEL_REQUIRE_BPF=1) as a skip would
need() {
	if [ "${RAWTEL_REQUIRE_BPF:-0}" = 1 ]; then fail "$1" "$2"; else skip "$1" "$2"; fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s)
wait_port() {
	python3 -c '
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)' "$1"
}

# held NAME CMD...: CMD started held on a fifo (its PID, $drv, is known
# before it runs: rawtel can be told it); go NAME lets it run
held() {
	hn=$1; shift
	mkfifo "$T_TMP/$hn.fifo"
	sh -c 'read x < "$1"; shift; exec "$@"' sh "$T_TMP/$hn.fifo" "$@" &
	drv=$!; track_pid $drv
}
go() { echo go > "$T_TMP/$1.fifo"; }

# db_lines NAME [PORT]: one line per traced operation, the fields cases
# assert: event comm role operation namespace status rows, whether the peer
# is 127.0.0.1:PORT (with PORT) and whether it took time (when both
# request and reply were seen, and a reply was asked for)
db_lines() {
	python3 -c '
import json, sys
port = sys.argv[2] if len(sys.argv) > 2 else None
for l in open(sys.argv[1]):
    x = json.loads(l)
    f = [x["event"], x["comm"], x["role"], x["operation"], x["namespace"] or "-",
         x["status"], str(x["rows"])]
    if port:
        f.append(str(x["peer"] == "127.0.0.1:" + port or x["local"] == "127.0.0.1:" + port))
    f.append(str(x["duration_ns"] > 0 or
                 any(g in x["flags"] for g in ("no_response", "no_request", "noreply"))))
    print(" ".join(f))
' "$T_TMP/$1.jsonl" ${2:-} 2>&1
}

# not_parsed NAME: the summary's count of connections not parsed
not_parsed() {
	sed -n 's/.* \([0-9]*\) connections not parsed.*/\1/p' "$T_TMP/$1.err"
}

# proto_metrics FILE [KEY...]: the latest value of each rawtel.proto.*
# sum in an OTLP JSON Lines metrics file, as "name{attr=v,...} value": the
# KEYs given (None when absent), else every non-zero one
proto_metrics() {
	python3 -c '
import json, sys
last = {}
for l in open(sys.argv[1]):
    for rm in json.loads(l).get("resourceMetrics", []):
        for sm in rm.get("scopeMetrics", []):
            for m in sm.get("metrics", []):
                if not m["name"].startswith("rawtel.proto."):
                    continue
                for dp in m.get("sum", {}).get("dataPoints", []):
                    a = ",".join(sorted(x["key"] + "=" + x["value"]["stringValue"]
                                        for x in dp.get("attributes", [])))
                    last[m["name"] + "{" + a + "}"] = int(dp.get("asInt", 0))
for k in sys.argv[2:] or sorted(k for k in last if last[k]):
    print(k, last.get(k))
' "$@" 2>&1
}
