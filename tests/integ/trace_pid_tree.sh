#!/bin/sh
# --pid selects the process and all its descendants, those older than
# rawtel included. rawtel trace open (ring buffer, perf buffers, the older
# kernels' entry programs): a shell whose two children were forked before
# rawtel started and a third after, each running cat on its own marker
# file; an unrelated shell doing the same on another marker is never
# reported. rawtel run --probes http --pid <nginx master>: the workers,
# forked before rawtel started, serve every request traced; python, not a
# descendant, is not traced.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"

# cats DIR FILE: cat DIR/FILE every 50 ms, 200 times at most, until
# DIR/stop exists (bounded in count and time)
CATS='i=0; while [ $i -lt 200 ] && [ ! -e "$1/stop" ]; do cat "$1/$2" > /dev/null;
	sleep 0.05; i=$((i + 1)); done'

# opens NAME MARKER: open events of MARKER in NAME's output
opens() {
	grep -c "\"event\":\"open\".*\"path\":\"$T_TMP/$1/$2\"" "$T_TMP/$1/out"
}

tree_case() {
	name=$1; shift
	d="$T_TMP/$name"; mkdir -p "$d"
	for f in old1 old2 new1 other; do : > "$d/$f"; done
	# the parent: two children now, a third once DIR/go exists
	sh -c "cats() { $CATS; }"'
		cats "$1" old1 & cats "$1" old2 &
		i=0; while [ ! -e "$1/go" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		cats "$1" new1 &
		wait' sh "$d" &
	parent=$!; track_pid $parent
	sh -c "$CATS" sh "$d" other &
	track_pid $!
	sleep 0.3	# the first two children exist before rawtel
	"$RAWTEL" trace open --json --pid $parent "$@" > "$d/out" 2> "$d/err" &
	rt=$!; track_pid $rt
	if ! wait_for "$d/err" tracing 200; then
		fail "$name" "rawtel did not start: $(cat "$d/err")"; touch "$d/stop"; return
	fi
	sleep 0.5
	touch "$d/go"
	sleep 0.8
	kill -INT $rt; wait $rt; rc=$?
	touch "$d/stop"
	o1=$(opens $name old1) o2=$(opens $name old2) n1=$(opens $name new1) ot=$(opens $name other)
	if [ $rc -eq 0 ] && [ "$o1" -gt 0 ] && [ "$o2" -gt 0 ] && [ "$n1" -gt 0 ] && [ "$ot" -eq 0 ]; then
		pass "$name (older children $o1 + $o2 opens, newer $n1, unrelated 0)"
	else
		fail "$name" "rc=$rc opens: older children $o1 and $o2, newer $n1 (want all > 0)," \
			"unrelated $ot (want 0): $(tail -n 2 "$d/err")"
	fi
}

# SERVER spans of PATH in the OTLP JSON lines file F
spans() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    for rs in json.loads(line).get("resourceSpans", []):
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                attrs = {a["key"]: a["value"].get("stringValue") for a in s.get("attributes", [])}
                n += s.get("kind") == 2 and attrs.get("url.path") == sys.argv[2]
print(n)
EOF
}

nginx_case() {
	name=run_pid_nginx_master
	if ! command -v nginx > /dev/null || ! command -v curl > /dev/null; then
		fail $name "nginx or curl is missing: run scripts/install-deps test"; return
	fi
	http_env_start "$T_TMP/env" 2 || { fail $name "nginx/python did not start"; return; }
	track_pid "$NG_PID"; track_pid "$PY_PID"
	sleep 0.3	# the workers exist before rawtel
	"$RAWTEL" run --no-status --probes http --pid "$NG_MASTER" --output "$T_TMP/out" --no-spool \
		> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/run.err" "running:" 300; then
		fail $name "rawtel run did not start: $(cat "$T_TMP/run.err")"; http_env_stop; return
	fi
	for k in 1 2 3 4 5; do
		curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$NG_PORT/static/hello.txt"
	done
	curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$PY_PORT/data.txt"
	sleep 0.5
	kill -INT $rt; wait $rt; rc=$?
	http_env_stop
	ng=$(spans "$T_TMP/out/traces.jsonl" /static/hello.txt 2>&1)
	py=$(spans "$T_TMP/out/traces.jsonl" /data.txt 2>&1)
	if [ $rc -eq 0 ] && [ "$ng" = 5 ] && [ "$py" = 0 ]; then
		pass "$name (5 requests to the workers, 5 spans; none of python's)"
	else
		fail $name "rc=$rc nginx spans $ng (want 5), python spans $py (want 0):" \
			"$(tail -n 2 "$T_TMP/run.err")"
	fi
}

require_bpf pid_tree_ringbuf || exit 0
tree_case pid_tree_ringbuf
tree_case pid_tree_perfbuf --perf-buffer
RAWTEL_FEATURES_OFF=task_regs tree_case pid_tree_no_task_regs
nginx_case
