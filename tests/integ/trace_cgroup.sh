#!/bin/sh
# --cgroup and --container select in the kernel by cgroup v2 id, and each
# process's resource says who it is. In cgroup v2 directories this test
# creates (removed at the end):
#  - cgroup_select: a loop of cats inside rawtel-tN, another outside;
#    rawtel trace open --cgroup (the path as /proc/PID/cgroup shows it, and
#    the directory itself) reports the inside one's opens and none of the
#    outside one's.
#  - cgroup_tcp: a connection from inside and one from outside to a
#    listener outside: rawtel trace tcp --cgroup reports the inside one's
#    (its owner entered sel in the kernel when it connected), not the other.
#  - container_run: a directory named like docker's systemd scope
#    (docker-<64 hex>.scope) holding a shell in its own PID namespace
#    (unshare) with OTEL_SERVICE_NAME set, running sleeps; outside, a loop
#    of cats. rawtel run --probes exec,exit --container <12-digit prefix>:
#    the sleeps' resources carry container.id (all 64 digits) and
#    container.runtime.name docker (those gone before rawtel read their
#    /proc files: their parent's), the longer ones also service.name from
#    the environment and process.vpid (their pid in the namespace, not the
#    host's); no record of a cat reaches user space.
#  - pod_run: a directory named like the kubelet's (cgroupfs driver)
#    kubepods/besteffort/pod<uid>/<64 hex> holding an HTTP server, pid 1 of
#    its own PID namespace, service.name in its OTEL_RESOURCE_ATTRIBUTES;
#    curl outside. rawtel run --probes http,exec,exit --container <prefix>:
#    the spans' and logs' resources all carry k8s.pod.uid and container.id,
#    the spans' process.vpid 1 and service.name from the environment; no
#    record of curl.
. "$RAWTEL_TOP/tests/lib.sh"

CG_ROOT=$(grep ' - cgroup2 ' /proc/self/mountinfo | head -n 1 | cut -d' ' -f5)
CG_DIRS="" CG_PIDS=""
cg_cleanup() {
	for p in $CG_PIDS; do kill "$p" 2>/dev/null; done
	for d in $CG_DIRS; do
		i=0	# a cgroup can go once its last process has
		while ! rmdir "$d" 2>/dev/null && [ -d "$d" ] && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
	done
}
trap 'cg_cleanup; t_cleanup' EXIT INT TERM

# loop DIR FILE: cat FILE every 50 ms until DIR/stop exists (at most 200)
LOOP='i=0; while [ $i -lt 200 ] && [ ! -e "$1/stop" ]; do cat "$1/$2" > /dev/null;
	sleep 0.05; i=$((i + 1)); done'

opens() { grep -c "\"event\":\"open\".*\"path\":\"$1\"" "$2"; }

select_case() {
	name=$1 arg=$2 d=$T_TMP/$1
	mkdir -p "$d"; : > "$d/in"; : > "$d/out"
	sh -c "echo \$\$ > $CG/cgroup.procs && { $LOOP; }" sh "$d" in &
	CG_PIDS="$CG_PIDS $!"
	sh -c "$LOOP" sh "$d" out &
	CG_PIDS="$CG_PIDS $!"
	trace_bg "$name" 200 open --cgroup "$arg" || { touch "$d/stop"; return; }
	sleep 1
	stop_trace "$name" || { touch "$d/stop"; return; }
	touch "$d/stop"
	i=$(opens "$d/in" "$T_TMP/$name.jsonl") o=$(opens "$d/out" "$T_TMP/$name.jsonl")
	if [ "$i" -gt 0 ] && [ "$o" -eq 0 ]; then
		pass "$name (--cgroup $arg: $i opens inside, none outside)"
	else
		fail "$name" "opens inside $i (want > 0), outside $o (want 0)"
	fi
}

tcp_case() {
	name=cgroup_tcp d=$T_TMP/cgroup_tcp
	mkdir -p "$d"
	# a listener accepting for 8 s at most, its port in DIR/port
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8); s.settimeout(0.2)
open(sys.argv[1] + "/port", "w").write(str(s.getsockname()[1]))
t = time.time()
while time.time() - t < 8:
    try: s.accept()[0].close()
    except OSError: pass' "$d" &
	CG_PIDS="$CG_PIDS $!"
	wait_for "$d/port" '[0-9]' 50 || { fail $name "the listener did not start"; return; }
	port=$(cat "$d/port")
	CONN="import socket, time; time.sleep(1); c = socket.create_connection(('127.0.0.1', $port)); c.close()"
	trace_bg $name 200 tcp --cgroup "${CG#"$CG_ROOT"}" || return
	sh -c "echo \$\$ > $CG/cgroup.procs && exec python3 -c \"$CONN\"" &
	in=$!; CG_PIDS="$CG_PIDS $in"
	python3 -c "$CONN" &
	out=$!; CG_PIDS="$CG_PIDS $out"
	wait $in $out
	stop_trace $name || return
	i=$(grep -c "\"event\":\"tcp\".*\"pid\":$in,.*\"rport\":$port" "$T_TMP/$name.jsonl")
	o=$(grep -c "\"pid\":$out," "$T_TMP/$name.jsonl")
	if [ "$i" -eq 1 ] && [ "$o" -eq 0 ]; then
		pass "$name (the inside connection, not the outside one)"
	else
		fail $name "inside connections $i (want 1), outside $o (want 0): $(head -n 3 "$T_TMP/$name.jsonl")"
	fi
}

# the resources of the records in F (log records, or with a second
# argument, spans): one line per process seen,
# "EXE PID VPID SERVICE CONTAINER RUNTIME POD"
resources() {
	python3 - "$1" "${2:-resourceLogs}" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    for rl in json.loads(line).get(sys.argv[2], []):
        a = {kv["key"]: list(kv["value"].values())[0] for kv in rl["resource"]["attributes"]}
        row = " ".join(str(a.get(k, "-")) for k in ("process.executable.name", "process.pid",
              "process.vpid", "service.name", "container.id", "container.runtime.name",
              "k8s.pod.uid"))
        if row not in seen:
            seen.add(row)
            print(row)
PY
}

container_case() {
	name=container_run d=$T_TMP/container_run
	hex=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	scope=$CG_ROOT/docker-$hex.scope
	mkdir -p "$d" && mkdir "$scope" || { fail $name "cannot create $scope"; return; }
	CG_DIRS="$scope $CG_DIRS"
	: > "$d/out"
	# pid 1 of its namespace moves itself (the pid is read in the
	# writer's namespace), then sleeps start once rawtel runs: it waits on
	# a fifo, not in a loop of short sleeps (one forked before rawtel and
	# gone before rawtel reads it has no cgroup left to tell)
	mkfifo "$d/go"
	OTEL_SERVICE_NAME=rt-ident-svc unshare --pid --fork sh -c "echo \$\$ > $scope/cgroup.procs &&
		read x < $d/go; for k in 1 2 3; do sleep 0.4; done" &
	CG_PIDS="$CG_PIDS $!"
	sh -c "$LOOP" sh "$d" out &
	CG_PIDS="$CG_PIDS $!"
	sleep 0.3
	"$RAWTEL" run --no-status --probes exec,exit --container "$(echo "$hex" | cut -c1-12)" \
		--output "$d/o" --no-spool > "$d/run.out" 2> "$d/run.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$d/run.err" "running:" 300; then
		fail $name "rawtel run did not start: $(cat "$d/run.err")"; touch "$d/stop"
		echo > "$d/go" & CG_PIDS="$CG_PIDS $!"; return
	fi
	echo go > "$d/go" &
	CG_PIDS="$CG_PIDS $!"
	sleep 1.8
	kill -INT $rt; wait $rt; rc=$?
	touch "$d/stop"
	resources "$d/o/logs.jsonl" > "$d/res" 2>&1
	sleeps=$(grep -c "^sleep " "$d/res") cats=$(grep -c "^cat " "$d/res")
	# every sleep in the container: its own cgroup file read, or (gone
	# before rawtel read it) its parent's
	inside=$(grep -Ec "^sleep [0-9]+ [^ ]+ [^ ]+ $hex docker -\$" "$d/res")
	# the 0.4 s ones read whole: service from the environment, a vpid
	# that is not the host pid
	whole=$(awk -v h="$hex" '$1 == "sleep" && $3 != "-" && $3 != $2 && $4 == "rt-ident-svc" &&
		$5 == h' "$d/res" | wc -l)
	if [ $rc -eq 0 ] && [ "$sleeps" -gt 0 ] && [ "$inside" -eq "$sleeps" ] && [ "$whole" -ge 2 ] &&
	   [ "$cats" -eq 0 ]; then
		pass "$name ($sleeps sleeps, all with container.id docker-$(echo "$hex" | cut -c1-12)...;" \
			"$whole with service.name and process.vpid; no cat)"
	else
		fail $name "rc=$rc sleeps $sleeps (want > 0), in the container $inside (want all)," \
			"with service and vpid $whole (want >= 2), cats $cats (want 0):" \
			"$(head -n 5 "$d/res") $(tail -n 2 "$d/run.err")"
	fi
}

# a Kubernetes pod's container as the kubelet's cgroupfs driver names it:
# .../kubepods/besteffort/pod<uid>/<64 hex>, an HTTP server in its own PID
# namespace with service.name in OTEL_RESOURCE_ATTRIBUTES, curl outside
pod_case() {
	name=pod_run d=$T_TMP/pod_run
	hex=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	uid=$(python3 -c 'import uuid; print(uuid.uuid4())')
	top=$(mktemp -d "$CG_ROOT/rawtel-k.XXXXXX") || { fail $name "cannot create a cgroup"; return; }
	cdir=$top/kubepods/besteffort/pod$uid/$hex
	CG_DIRS="$cdir ${cdir%/*} $top/kubepods/besteffort $top/kubepods $top $CG_DIRS"
	mkdir -p "$d" "$cdir" || { fail $name "cannot create $cdir"; return; }
	mkfifo "$d/go"
	# the interpreter itself, not a wrapper script (pyenv's shims fork)
	py=$(command -v /usr/bin/python3 || command -v python3)
	# pid 1 of its namespace: a server answering for 8 s at most
	SRV='import http.server, sys, time
s = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
s.timeout = 0.2
open(sys.argv[1] + "/port.tmp", "w").write(str(s.server_address[1]))
t = time.time()
while time.time() - t < 8 and not __import__("os").path.exists(sys.argv[1] + "/stop"):
    s.handle_request()'
	OTEL_RESOURCE_ATTRIBUTES="deployment.environment=t,service.name=rt-pod-svc" \
		unshare --pid --fork sh -c "echo \$\$ > $cdir/cgroup.procs && read x < $d/go &&
		cd $d && exec $py -c '$SRV' $d 2> /dev/null" &
	CG_PIDS="$CG_PIDS $!"
	sleep 0.3
	"$RAWTEL" run --no-status --probes http,exec,exit --container "$(echo "$hex" | cut -c1-16)" \
		--output "$d/o" --no-spool > "$d/run.out" 2> "$d/run.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$d/run.err" "running:" 300; then
		fail $name "rawtel run did not start: $(cat "$d/run.err")"; touch "$d/stop"
		echo > "$d/go" & CG_PIDS="$CG_PIDS $!"; return
	fi
	echo go > "$d/go" &
	CG_PIDS="$CG_PIDS $!"
	wait_for "$d/port.tmp" '[0-9]' 50 && port=$(cat "$d/port.tmp") &&
		for k in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port/"; done
	sleep 1
	touch "$d/stop"
	kill -INT $rt; wait $rt; rc=$?
	resources "$d/o/traces.jsonl" resourceSpans > "$d/spans" 2>&1
	resources "$d/o/logs.jsonl" > "$d/logs" 2>&1
	# every resource the pod's, the server's with its namespace pid (1)
	# and the service its environment names; no record of curl
	spans=$(grep -c . "$d/spans") logs=$(grep -c . "$d/logs")
	pod=$(cat "$d/spans" "$d/logs" | awk -v h="$hex" -v u="$uid" '$5 == h && $6 == "-" && $7 == u' | wc -l)
	srv=$(awk '$3 == 1 && $4 == "rt-pod-svc"' "$d/spans" | wc -l)
	curls=$(grep -c "^curl " "$d/logs")
	if [ $rc -eq 0 ] && [ "$spans" -gt 0 ] && [ "$logs" -gt 0 ] && [ "$pod" -eq $((spans + logs)) ] &&
	   [ "$srv" -eq "$spans" ] && [ "$curls" -eq 0 ]; then
		pass "$name (spans and logs with k8s.pod.uid $uid, container.id $(echo "$hex" | cut -c1-12)...," \
			"process.vpid 1, service.name from OTEL_RESOURCE_ATTRIBUTES; no curl)"
	else
		fail $name "rc=$rc resources: spans $spans, logs $logs (want > 0), the pod's $pod" \
			"(want all), the server's $srv (want $spans), curls $curls (want 0):" \
			"$(cat "$d/spans") | $(awk -v h="$hex" '$5 != h' "$d/logs" | head -n 5)" \
			"$(tail -n 2 "$d/run.err")"
	fi
}

require_bpf cgroup_select || exit 0
if [ -z "$CG_ROOT" ] || ! CG=$(mktemp -d "$CG_ROOT/rawtel-t.XXXXXX" 2>/dev/null); then
	fail cgroup_select "no writable cgroup v2 mount (${CG_ROOT:-none} in /proc/self/mountinfo)"
	exit 0
fi
CG_DIRS=$CG
select_case cgroup_select "${CG#"$CG_ROOT"}"
select_case cgroup_select_dir "$CG"
tcp_case
container_case
pod_case
