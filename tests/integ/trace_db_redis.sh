#!/bin/sh
# rawtel trace redis against a real redis-server (loopback, a free port, a
# temp dir, stopped by its PID): redis-cli's commands from the client
# side, one line each with its status (a WRONGTYPE error) and the SELECTed
# database; a pipeline of 100 commands written at once (redis-cli --pipe)
# paired one by one up to the parser's bound, the rest counted; the
# same commands seen from the server's side.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf db_redis_client || exit 0
missing_cmd redis-server redis-cli ||
	{ need db_redis_client "$missing is not installed (scripts/install-deps test)"; exit 0; }
redis_up db_redis_client
cli="redis-cli -h 127.0.0.1 -p $port"

# Client side: one connection, commands read from stdin
name=db_redis_client
printf '%s\n' 'SET rk s3cret-value' 'GET rk' 'LPUSH rl a b' 'GET rl' 'SELECT 3' 'SET rk2 x' \
	'DEL rk2 nokey' > "$T_TMP/cmds"
held cli sh -c "exec $cli < $T_TMP/cmds > $T_TMP/cli.out 2>&1"
if trace_bg $name 300 redis --pid $drv; then
	go cli
	wait $drv
	if stop_trace $name; then
		# redis-cli first asks for COMMAND DOCS (its hints): not ours
		got=$(db_lines $name "$port" | grep -v ' COMMAND ')
		want="redis redis-cli client SET - OK -1 True True
redis redis-cli client GET - OK -1 True True
redis redis-cli client LPUSH - OK -1 True True
redis redis-cli client GET - WRONGTYPE -1 True True
redis redis-cli client SELECT - OK -1 True True
redis redis-cli client SET 3 OK -1 True True
redis redis-cli client DEL 3 OK -1 True True"
		if [ "$got" = "$want" ] && ! grep -q s3cret "$T_TMP/$name.jsonl"; then
			pass $name
		else
			fail $name "got: $got; cli: $(cat "$T_TMP/cli.out")"
		fi
	fi
fi

# Pipelining: 100 SETs written at once (2.7 KB: all captured), then
# redis-cli --pipe's own ECHO, the 101 replies read at once. The first 32
# (the parser's pipeline bound, REDIS_PIPELINE) are paired with their
# commands; the others' replies are reported without a request: counted,
# never paired with the wrong command.
name=db_redis_pipe
python3 -c '
for i in range(100):
    k, v = "pk%d" % i, "v%d" % i
    print("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r" % (len(k), k, len(v), v))
' > "$T_TMP/pipe.resp"
held pipe sh -c "exec $cli --pipe < $T_TMP/pipe.resp > $T_TMP/pipe.out 2>&1"
if trace_bg $name 300 redis --pid $drv --capture-bytes 4096; then
	go pipe
	wait $drv
	if stop_trace $name; then
		got=$(db_lines $name "$port" | LC_ALL=C sort | uniq -c | sed 's/^ *//')
		want="69 redis redis-cli client - - OK -1 True True
32 redis redis-cli client SET - OK -1 True True"
		if [ "$got" = "$want" ] && [ "$(grep -c '"no_request"' "$T_TMP/$name.jsonl")" = 69 ]; then
			pass $name
		else
			fail $name "got: $got; cli: $(cat "$T_TMP/pipe.out")"
		fi
	fi
fi

# Server side: redis-server traced while redis-cli talks to it
name=db_redis_server
printf '%s\n' 'SET sk 1' 'INCR sk' 'HGET sk f' > "$T_TMP/scmds"
if trace_bg $name 300 redis --pid $spid; then
	$cli < "$T_TMP/scmds" > "$T_TMP/scli.out" 2>&1
	if stop_trace $name; then
		got=$(db_lines $name "$port" | grep -v ' COMMAND ')
		want="redis redis-server server SET - OK -1 True True
redis redis-server server INCR - OK -1 True True
redis redis-server server HGET - WRONGTYPE -1 True True"
		expect_got $name "$got" "$want" "cli: $(cat "$T_TMP/scli.out")"
	fi
fi

# The text form: the header and one line per command, the same columns
# as postgres's
name=db_redis_text
get4() { $cli -n 4 GET nokey > /dev/null; }
if trace_text $name 0.5 get4 redis --comm redis-cli; then
	if head -n 1 "$T_TMP/$name.out" | grep -q "^TIME  *PID  *COMM  *ROLE  *OPERATION  *TARGET  *STATUS  *LATENCY(ms)  *PEER$" &&
	   grep -q " redis-cli  *C  *SELECT  *-  *OK  .* 127.0.0.1:$port$" "$T_TMP/$name.out" &&
	   grep -q " redis-cli  *C  *GET  *4  *OK  .* 127.0.0.1:$port$" "$T_TMP/$name.out"; then
		pass $name
	else
		fail $name "unexpected text output: $(cat "$T_TMP/$name.out")"
	fi
fi
