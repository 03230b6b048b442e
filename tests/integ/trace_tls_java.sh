#!/bin/sh
# rawtel trace tls,http on a Java client (JSSE: TLS written in Java, in no
# library rawtel probes): the handshake facts read from the wire only, for
# a TLS 1.3 and a TLS 1.2 connection to nginx (tests/progs/java): server
# name, version, cipher suite (IANA name), ALPN offered and chosen (none
# seen in 1.3, where the server's choice is encrypted), peer and duration,
# against what the client reports and what nginx logs ($ssl_protocol,
# $ssl_server_name); no TLS call of its own and no HTTP exchange parsed
# from its ciphertext.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
N=trace_tls_java

need_cmds $N nginx openssl java javac || exit 0
require_bpf $N || exit 0

D=$T_TMP/ng
if ! http_tls_nginx "$D" "	log_format tls '\$remote_port \$ssl_protocol \$ssl_server_name';
	access_log $D/tls.log tls;" "		ssl_protocols TLSv1.2 TLSv1.3;"; then
	fail $N "openssl req: $(cat "$D/openssl.out")"; exit 0
fi
track_pid $NG
echo "hello java" > "$D/www/hello.txt"
if ! http_wait_port "$PORT"; then fail $N "nginx did not start: $(cat "$D/nginx.out")"; exit 0; fi
if ! javac -d "$T_TMP" "$RAWTEL_TOP/tests/progs/java/TlsClient.java" > "$T_TMP/javac.out" 2>&1; then
	fail $N "javac: $(head -c 400 "$T_TMP/javac.out")"; exit 0
fi

# the client once rawtel traces it (--pid)
trace_gated $N tls,http java -cp "$T_TMP" TlsClient "$PORT" tls.rawtel.test || exit 0
/usr/bin/python3 "$RAWTEL_TOP/tests/integ/check_tls_wire.py" $N "$T_TMP/trace.jsonl" "$T_TMP/client.out" \
	"$D/tls.log" "$PORT" java http/1.1
