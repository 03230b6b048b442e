#!/bin/sh
# rawtel run --probes redis under load: redis-benchmark (SET and GET, four
# connections) against a real redis-server (loopback, a free port, stopped by
# its PID), one command per write and then pipelines of 16 and of 64. Every
# command redis-benchmark sent is a CLIENT span, or its shortfall is no more
# than what rawtel reports lost; a pipeline deeper than the parser keeps
# (REDIS_PIPELINE, 32) has the commands beyond it counted (rawtel.proto.events
# queue_full) and their replies reported without a request, never paired with
# another command (tests/node/check-run-db-redis-load.js).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

need_node run_db_redis_load || exit 0
require_bpf run_db_redis_load || exit 0
missing_cmd redis-server redis-benchmark ||
	{ need run_db_redis_load "$missing is not installed (scripts/install-deps test)"; exit 0; }
redis_up run_db_redis_load

mkdir -p "$T_TMP/out"
# pipelines of 64 SETs are ~3 KB per write: all of it captured; a ring
# that holds the bursts of a loaded machine
"$RAWTEL" run --no-status --probes redis --comm redis-benchmark --output "$T_TMP/out" \
	--capture-bytes 4096 --ring-size 8M --metric-interval 500 > "$T_TMP/rt.out" 2> "$T_TMP/rt.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/rt.err" "running:" 300; then
	fail run_db_redis_load "rawtel run did not start: $(cat "$T_TMP/rt.err")"
	exit 0
fi
# bench PIPELINE REQUESTS: its pid and its commands (REQUESTS SET, as many GET)
runs=
bench() {
	redis-benchmark -h 127.0.0.1 -p "$port" -c 4 -n "$2" -P "$1" -t set,get -q \
		> "$T_TMP/bench$1.out" 2>&1 &
	b=$!; track_pid $b
	wait $b || fail run_db_redis_load "redis-benchmark -P $1 failed: $(tail -n 3 "$T_TMP/bench$1.out")"
	runs="$runs${runs:+,}{\"pid\": $b, \"pipeline\": $1, \"ops\": $(($2 * 2))}"
}
bench 1 1500
bench 16 4000
bench 64 2048	# whole pipelines on each connection: redis-benchmark rounds up
sleep 1.5
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then
	fail run_db_redis_load "rawtel run exited $rc: $(tail -n 5 "$T_TMP/rt.err")"
	exit 0
fi
echo "{\"runs\": [$runs]}" > "$T_TMP/scenario.json"
node "$RAWTEL_TOP/tests/node/check-run-db-redis-load.js" "$T_TMP/out" "$T_TMP/scenario.json" ||
	tail -n 3 "$T_TMP/rt.err"
