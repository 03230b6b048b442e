#!/bin/sh
# rawtel trace tls,http on a Go client (crypto/tls: TLS written in Go, in
# no library rawtel probes): the handshake facts read from the wire only,
# for four connections to nginx over HTTP/2-capable TLS
# (tests/integ/tls_go_client.go: net/http offering ALPN h2 and http/1.1):
# TLS 1.3 and 1.2, each a full handshake then one resumed from its session
# cache. Server name, version, cipher suite (IANA name), ALPN offered and
# chosen (none seen in 1.3, where the server's choice is encrypted),
# resumption, peer and duration, against what crypto/tls reports and what
# nginx logs ($ssl_protocol, $ssl_server_name, $ssl_session_reused); no
# TLS call of its own and no HTTP exchange (1.1 or 2) parsed from its
# ciphertext. Skipped without go (scripts/install-deps test installs it).
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
N=trace_tls_go

if ! command -v go > /dev/null; then
	skip $N "no go here (scripts/install-deps test installs golang-go)"; exit 0
fi
need_cmds $N nginx openssl || exit 0
require_bpf $N || exit 0

# the client built offline from the standard library alone, its caches
# in the test's directory
if ! GOCACHE=$T_TMP/gocache GOPATH=$T_TMP/gopath GO111MODULE=off GOFLAGS= \
	go build -o "$T_TMP/tlsgo" "$RAWTEL_TOP/tests/integ/tls_go_client.go" > "$T_TMP/go.out" 2>&1; then
	fail $N "go build: $(head -c 400 "$T_TMP/go.out")"; exit 0
fi
D=$T_TMP/ng
H2=$(http_free_port)
if ! http_tls_nginx "$D" "	log_format tls '\$remote_port \$ssl_protocol \$ssl_server_name \$ssl_session_reused';
	access_log $D/tls.log tls;" "		listen 127.0.0.1:$H2 ssl http2;
		ssl_protocols TLSv1.2 TLSv1.3;"; then
	fail $N "openssl req: $(cat "$D/openssl.out")"; exit 0
fi
track_pid $NG
echo "hello go" > "$D/www/hello.txt"
if ! http_wait_port "$H2"; then fail $N "nginx did not start: $(cat "$D/nginx.out")"; exit 0; fi

# the client once rawtel traces it (--pid): four connections, TLS 1.3
# then 1.2, each a full handshake then a resumed one
trace_gated $N tls,http "$T_TMP/tlsgo" "$H2" tls.rawtel.test || exit 0
made=$(awk '{ printf "%s %s,", $2, $5 }' "$T_TMP/client.out")
if [ "$made" != "TLSv1.3 false,TLSv1.3 true,TLSv1.2 false,TLSv1.2 true," ]; then
	fail $N "the client made $made: $(cat "$T_TMP/client.err")"; exit 0
fi
/usr/bin/python3 "$RAWTEL_TOP/tests/integ/check_tls_wire.py" $N "$T_TMP/trace.jsonl" "$T_TMP/client.out" \
	"$D/tls.log" "$H2" tlsgo h2,http/1.1
