#!/bin/sh
# rawtel trace mysql against a real MariaDB server (mariadb-install-db in a
# temp dir, loopback, a free port, stopped by its PID): the mariadb client's
# statements from the client side, with the database, the rows, a syntax
# error's code and SQLSTATE and a missing table's; a C client using
# libmariadb's prepared statements (prepare, execute with bound values
# that never show, a failing prepare); the server's own view of a client.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/db_lib.sh"

require_bpf db_my_client || exit 0
if ! [ -x /usr/sbin/mariadbd ] || ! command -v mariadb > /dev/null ||
   ! command -v mariadb-install-db > /dev/null; then
	need db_my_client "mariadb-server/client are not installed (scripts/install-deps test)"
	exit 0
fi
md=$(mktemp -d)
port=$(free_port)
stop_my() {
	[ -n "${spid:-}" ] && kill "$spid" 2> /dev/null && wait "$spid" 2> /dev/null
	rm -rf "$md"
}
trap 'stop_my; t_cleanup' EXIT INT TERM
mariadb_start "$port" "$md" --skip-grant-tables=0
spid=$srv
up_or_stop db_my_client mariadbd "$port" "$md/err.log" "$md/install.log"
mariadb_app "$md" "$MY_ITEMS"
my="mariadb --no-defaults -h127.0.0.1 -P$port -uapp -papppw --force shop"

# Client side: statements, a syntax error (1064, 42000), a missing table;
# USE is the client's SELECT DATABASE() then COM_INIT_DB
name=db_my_client
my_client_sql "$T_TMP/client.sql" "USE mysql;
SELECT 1;"
held cli sh -c "exec $my < $T_TMP/client.sql > $T_TMP/cli.out 2>&1"
if trace_bg $name 300 mysql --pid $drv; then
	go cli
	wait $drv
	if stop_trace $name; then
		got=$(db_lines $name "$port")
		want="mysql mariadb client CREATE shop OK 0 True True
mysql mariadb client INSERT shop OK 2 True True
mysql mariadb client SELECT shop OK 2 True True
mysql mariadb client SELEC shop 1064 -1 True True
mysql mariadb client SELECT shop 1146 -1 True True
mysql mariadb client SELECT shop OK 1 True True
mysql mariadb client COM_INIT_DB mysql OK 0 True True
mysql mariadb client SELECT mysql OK 1 True True
mysql mariadb client COM_QUIT mysql noreply -1 True True"
		states=$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["system"] + ":" + json.loads(l).get("sqlstate", "-")
               for l in open(sys.argv[1])))' "$T_TMP/$name.jsonl")
		if [ "$got" = "$want" ] && ! grep -q hunter2 "$T_TMP/$name.jsonl" &&
		   [ "$states" = "mariadb:- mariadb:- mariadb:- mariadb:42000 mariadb:42S02 mariadb:- mariadb:- mariadb:- mariadb:-" ]; then
			pass $name
		else
			fail $name "got: $got; states: $states; cli: $(cat "$T_TMP/cli.out")"
		fi
	fi
fi

# Prepared statements through libmariadb: the statement's text for each
# execute, never the bound values (marked s3cr3t)
name=db_my_stmt
if [ -x "$RAWTEL_PROGS/my_stmt_client" ]; then
	held stmt "$RAWTEL_PROGS/my_stmt_client" 127.0.0.1 "$port" app apppw shop
	if trace_bg $name 300 mysql --pid $drv; then
		go stmt
		wait $drv
		if stop_trace $name; then
			got=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    x = json.loads(l)
    print(x["operation"], x["status"], x["rows"], x["statement"] != "",
          ",".join(f for f in x["flags"] if f != "mariadb") or "-")' "$T_TMP/$name.jsonl")
			want="COM_STMT_PREPARE OK 0 True -
SELECT OK 2 True prepared
SELECT OK 1 True prepared
COM_STMT_CLOSE noreply -1 True prepared,noreply
COM_STMT_PREPARE OK 0 True -
INSERT OK 1 True prepared
COM_STMT_CLOSE noreply -1 True prepared,noreply
COM_STMT_PREPARE OK 0 True -
COM_STMT_SEND_LONG_DATA noreply -1 True prepared,noreply
COM_STMT_SEND_LONG_DATA noreply -1 True prepared,noreply
UPDATE OK 1 True prepared
COM_STMT_RESET OK 0 True prepared
COM_STMT_CLOSE noreply -1 True prepared,noreply
COM_STMT_PREPARE 1146 -1 False error
COM_QUIT noreply -1 False noreply"
			if [ "$got" = "$want" ] && ! grep -q s3cr3t "$T_TMP/$name.jsonl"; then
				pass $name
			else
				fail $name "got: $got"
			fi
		fi
	fi
else
	need $name "build/progs/my_stmt_client is not built (make progs; libmariadb-dev)"
fi

# Server side: mariadbd traced while a client asks
name=db_my_server
if trace_bg $name 300 mysql --pid $spid; then
	printf 'SELECT id FROM items;\nSELECT * FROM nope;\n' | $my > "$T_TMP/scli.out" 2>&1
	if stop_trace $name; then
		got=$(db_lines $name "$port" | awk '{print $2, $3, $4, $5, $6, $7}' | tr '\n' ';')
		# items: 3 rows and the one my_stmt_client inserted
		expect_got $name "$got" "mariadbd server SELECT shop OK 4;mariadbd server SELECT shop 1146 -1;mariadbd server COM_QUIT shop noreply -1;"
	fi
fi
