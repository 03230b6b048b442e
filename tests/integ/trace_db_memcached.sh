#!/bin/sh
# rawtel trace memcached against a real memcached (loopback, a free port,
# stopped by its PID), driven by a small client on a socket: text commands
# (set, get, a multi-get of three keys, a noreply set, a delete of a
# missing key, an unknown command's ERROR) and meta commands, one line
# each with its status (a miss is no error: rows 0), from the client's
# side and from the server's.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf db_mc_client || exit 0
missing_cmd memcached ||
	{ need db_mc_client "$missing is not installed (scripts/install-deps test)"; exit 0; }
port=$(free_port)
memcached_start "$port" "$T_TMP/mc.log"
spid=$srv
track_pid $spid
up_or_stop db_mc_client memcached "$port" "$T_TMP/mc.log"

# the client (mc_client): each request written whole, its reply read to
# the line after ">"
mc_client "$T_TMP/mc.py"
cat > "$T_TMP/mc.txt" << 'EOF'
set a 0 0 10
s3cret-val
> STORED
set b 0 0 1
b
> STORED
set c 0 0 1 noreply
c
>
get a b c
> END
delete nokey
> NOT_FOUND
bogus
> ERROR
ms m 2 T0
mv
> HD
mg m v
> mv
mg nokey v
> EN
EOF

name=db_mc_client
held mc python3 "$T_TMP/mc.py" "$port" "$T_TMP/mc.txt"
if trace_bg $name 300 memcached --pid $drv; then
	go mc
	wait $drv
	if stop_trace $name; then
		got=$(db_lines $name "$port")
		want="memcached python3 client set - OK -1 True True
memcached python3 client set - OK -1 True True
memcached python3 client set - noreply -1 True True
memcached python3 client get - OK 3 True True
memcached python3 client delete - OK -1 True True
memcached python3 client bogus - ERROR -1 True True
memcached python3 client ms - OK -1 True True
memcached python3 client mg - OK 1 True True
memcached python3 client mg - OK 0 True True"
		if [ "$got" = "$want" ] && ! grep -q s3cret "$T_TMP/$name.jsonl"; then
			pass $name
		else
			fail $name "got: $got"
		fi
	fi
fi

# The server's side of the same conversation
name=db_mc_server
if trace_bg $name 300 memcached --pid $spid; then
	python3 "$T_TMP/mc.py" "$port" "$T_TMP/mc.txt"
	if stop_trace $name; then
		got=$(db_lines $name "$port" | awk '{print $2, $3, $4, $6, $7}' | tr '\n' ';')
		expect_got $name "$got" "memcached server set OK -1;memcached server set OK -1;memcached server set noreply -1;memcached server get OK 3;memcached server delete OK -1;memcached server bogus ERROR -1;memcached server ms OK -1;memcached server mg OK 1;memcached server mg OK 0;"
	fi
fi
