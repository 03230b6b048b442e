#!/bin/sh
# rawtel trace http over TLS: nginx serving HTTPS on loopback (a
# certificate made here with openssl req), curl --insecure and Debian's
# python3 (urllib over ssl: OpenSSL's SSL_read_ex/SSL_write_ex) as clients,
# all on Debian's libssl3. The plaintext comes from uprobes on libssl
# (kern/tls.S), tied in the kernel to the connection of the TLS call's own
# syscalls: each exchange's method, path and status exactly, marked tls,
# with the right peer (nginx's access log says which client port made
# which request), keep-alive, no exchange parsed from ciphertext. Traced
# by --pid: the server (ring buffer; perf buffers with entries, as
# without task registers), curl, python and wget (GnuTLS) (each a shell that
# execs the client after rawtel started: the library is mapped only then);
# and rawtel run's SERVER spans of nginx's requests (url.scheme https) with
# their connections' handshake facts (tls.*: version, cipher, server name,
# ALPN, in TLS 1.3 and 1.2, as nginx's own variables tell them), the
# handshake histogram and the TLS self-metrics (tests/node/check-run-tls.js).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
PY=/usr/bin/python3

need_cmds trace_tls nginx curl wget openssl $PY || exit 0
require_bpf trace_tls || exit 0

D=$T_TMP/ng
# a second log: each connection's handshake facts, as nginx tells them
tls_log='$remote_port $ssl_protocol $ssl_cipher $ssl_server_name $ssl_alpn_protocol'
if ! http_tls_nginx "$D" "	log_format tls '$tls_log';
	access_log $D/tls.log tls;" ""; then
	fail trace_tls "openssl req: $(cat "$D/openssl.out")"; exit 0
fi
track_pid $NG
echo "hello over tls" > "$D/www/hello.txt"
echo "second" > "$D/www/two.txt"
i=0
while ! curl -skf -o /dev/null "https://127.0.0.1:$PORT/hello.txt" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || { fail trace_tls "nginx did not start: $(cat "$D/nginx.out" "$D/error.log")"; exit 0; }

BASE="https://127.0.0.1:$PORT"
cat > "$T_TMP/client.py" <<EOF
import ssl, sys, urllib.error, urllib.request
c = ssl.create_default_context(); c.check_hostname = False; c.verify_mode = ssl.CERT_NONE
for path in sys.argv[1:]:
    try:
        urllib.request.urlopen("$BASE" + path, context=c, timeout=10).read()
    except urllib.error.HTTPError:
        pass
EOF

# the exchanges nginx logged from the first line after MARK on, as the
# checker wants them: "port method path status" per line
logged() { sed -n "$(($1 + 1)),\$p" "$D/access.log" | sed 's/"\([A-Z]*\) \([^ ]*\) [^"]*"/\1 \2/'; }

# check NAME ROLE EXPECTED: the trace's exchanges against EXPECTED, lines of
# "port method path status" (ROLE server: port the client's; client: the
# server's), in order
check() {
	$PY - "$1" "$T_TMP/$1.jsonl" "$2" "$3" "$PORT" <<'EOF'
import json, sys
name, path, role, expected, port = sys.argv[1:]
want = [l.split() for l in expected.strip().splitlines()]
got, bad = [], []
for line in open(path):
    e = json.loads(line)
    if e.get("event") != "http":
        continue
    if e.get("role") != role or e.get("tls") is not True:
        bad.append(line.strip()[:200])
        continue
    peer = e["peer"]
    got.append([peer.rsplit(":", 1)[1], e["method"], e["path"], str(e["status"])])
    if peer.rsplit(":", 1)[0] != "127.0.0.1":
        bad.append("peer address " + peer)
    if role == "client" and e["rport"] != int(port):
        bad.append("rport %s" % e["rport"])
if bad:
    print("FAIL %s: exchanges not TLS, not %s, or with a wrong peer: %s" % (name, role, bad[:3]))
elif got != want:
    print("FAIL %s: got %s, want %s" % (name, got, want))
else:
    print("PASS %s (%d exchanges)" % (name, len(got)))
EOF
}

# server NAME [options]: nginx by --pid; curl (keep-alive: three on one
# connection), then python (one connection per request)
server() {
	name=$1; shift
	trace_bg "$name" 300 http --pid $NG "$@" || return
	mark=$(wc -l < "$D/access.log")
	curl -sk --max-time 10 -o /dev/null -o /dev/null -o /dev/null \
		"$BASE/hello.txt" "$BASE/missing" "$BASE/two.txt?q=1"
	$PY "$T_TMP/client.py" /two.txt /missing
	stop_trace "$name" || return
	check "$name" server "$(logged "$mark" | sed 's/?[^ ]*//')"
}
server tls_server_pid
RAWTEL_FEATURES_OFF=task_regs server tls_server_pid_perfbuf_no_task_regs --perf-buffer

# client NAME COMMAND...: a shell that waits on a fifo, then execs COMMAND;
# rawtel traces the shell's pid
client() {
	name=$1; shift
	fifo="$T_TMP/$name.fifo"; mkfifo "$fifo"
	sh -c 'read x < "$1"; shift; exec "$@"' sh "$fifo" "$@" > /dev/null 2>&1 &
	drv=$!; track_pid $drv
	trace_bg "$name" 300 http --pid $drv || return
	mark=$(wc -l < "$D/access.log")
	echo go > "$fifo"
	wait $drv || { fail "$name" "the client failed"; return; }
	stop_trace "$name" || return
	check "$name" client "$(logged "$mark" | sed "s/^[0-9]*/$PORT/; s/?[^ ]*//")"
}
client tls_client_curl_pid curl -sk --max-time 10 -o /dev/null -o /dev/null \
	"$BASE/hello.txt" "$BASE/missing"
client tls_client_python_pid $PY "$T_TMP/client.py" /hello.txt /two.txt /missing
# GnuTLS: gnutls_record_recv/send (keep-alive: one connection; a 404
# would make wget exit 8)
client tls_client_wget_pid wget -q --no-check-certificate -O /dev/null "$BASE/hello.txt" \
	"$BASE/two.txt"

# rawtel run: nginx's HTTPS requests as SERVER spans (url.scheme https),
# into OTLP JSON files: curl with a server name (--resolve), two requests on
# one TLS 1.3 connection, one on a TLS 1.2 one
name=tls_run_server_spans
need_node $name || exit 0
# the TLS library files rawtel probes under --pid: nginx's, and the
# system's libssl, libcrypto and libgnutls (for processes yet to start)
libs=$({ grep -o '/[^ ]*/lib\(ssl\|gnutls\|crypto\)\.so[^ ]*' /proc/$NG/maps
	ldconfig -p 2>/dev/null | awk -v t="$(ldconfig -p | awk '$1 == "libc.so.6" {print $2; exit}')" \
		'$1 ~ /^lib(ssl|crypto)\.so\.(3|1\.1)$|^libgnutls\.so\.30$/ && $2 == t {print $NF}'
	} | xargs -r readlink -f | sort -u | wc -l)
"$RAWTEL" run --no-status --probes http --pid $NG --output "$T_TMP/out" --no-spool \
	> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
rt=$!; track_pid $rt
if wait_for "$T_TMP/run.err" "running:" 300; then
	mark=$(wc -l < "$D/access.log"); tmark=$(wc -l < "$D/tls.log")
	H=rawtel.test:$PORT
	curl -sk --max-time 10 --resolve $H:127.0.0.1 -o /dev/null -o /dev/null "https://$H/hello.txt" "https://$H/missing"
	curl -sk --max-time 10 --tls-max 1.2 --resolve a.$H:127.0.0.1 -o /dev/null "https://a.$H/two.txt"
	sleep 0.3
	kill -INT $rt; wait $rt
	cat > "$T_TMP/scenario.json" <<EOF
{"nginx": $NG, "libs": $libs,
 "access": [$(logged "$mark" | awk '{printf "%s\"%s\"", s, $0; s = ","}')],
 "tls": [$(sed -n "$((tmark + 1)),\$p" "$D/tls.log" | sort -u | awk '{printf "%s\"%s\"", s, $0; s = ","}')]}
EOF
	node "$RAWTEL_TOP/tests/node/check-run-tls.js" $name "$T_TMP/out" "$T_TMP/scenario.json"
else
	fail $name "rawtel run did not start: $(cat "$T_TMP/run.err")"
fi
