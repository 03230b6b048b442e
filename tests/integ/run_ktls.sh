#!/bin/sh
# rawtel run --probes http on nginx serving HTTPS over kernel TLS (kTLS:
# `ssl_conf_command Options KTLS`, sendfile through SSL_sendfile). After
# the handshake the kernel encrypts: nginx's socket bytes are plaintext,
# its SSL_read/SSL_write still go through the probed libssl. Its requests
# must be exact SERVER spans (url.scheme https, the client's address and
# port from nginx's access log), none parsed twice or dropped as
# ciphertext. kTLS is proven in use by /proc/net/tls_stat's counters; a
# kernel without the tls module (CONFIG_TLS) or an OpenSSL built without
# kTLS is a skip naming which: a missing kernel feature, not a failure.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
N=run_ktls

for c in nginx curl openssl node; do
	if ! command -v $c > /dev/null; then fail $N "$c is missing: run scripts/install-deps test"; exit 0; fi
done
require_bpf $N || exit 0
[ -e /proc/net/tls_stat ] || { command -v modprobe > /dev/null && modprobe tls 2> /dev/null; }
if [ ! -e /proc/net/tls_stat ]; then
	skip $N "this kernel has no kTLS (no /proc/net/tls_stat: CONFIG_TLS off or the tls module missing)"
	exit 0
fi
# kTLS sessions the kernel set up so far (software or device)
ktls_n() { awk '$1 == "TlsTxSw" || $1 == "TlsTxDevice" { n += $2 } END { print n + 0 }' /proc/net/tls_stat; }

D=$T_TMP/ng
if ! http_tls_nginx "$D" "	sendfile on;" "		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_conf_command Options KTLS;"; then
	fail $N "openssl req: $(cat "$D/openssl.out")"; exit 0
fi
track_pid $NG
head -c 65536 /dev/zero | tr '\0' 'k' > "$D/www/big.txt"
if ! http_wait_port "$PORT"; then fail $N "nginx did not start: $(cat "$D/nginx.out" "$D/error.log")"; exit 0; fi
k0=$(ktls_n)
curl -sk --max-time 10 -o /dev/null "https://127.0.0.1:$PORT/big.txt"
if [ "$(ktls_n)" -le "$k0" ]; then
	skip $N "nginx's OpenSSL did not turn kTLS on ($(nginx -V 2>&1 | grep -o 'OpenSSL [^ ]*' | head -n 1)): no kTLS session in /proc/net/tls_stat"
	exit 0
fi

"$RAWTEL" run --no-status --probes http --pid $NG --output "$T_TMP/out" --no-spool \
	> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/run.err" "running:" 300; then fail $N "rawtel run did not start: $(cat "$T_TMP/run.err")"; exit 0; fi
mark=$(wc -l < "$D/access.log"); k0=$(ktls_n)
# two requests on one kTLS connection, then one on another
curl -sk --max-time 10 -o /dev/null -o /dev/null "https://127.0.0.1:$PORT/big.txt" "https://127.0.0.1:$PORT/missing"
curl -sk --max-time 10 --tls-max 1.2 -o /dev/null "https://127.0.0.1:$PORT/big.txt"
sleep 0.3
kill -INT $rt; wait $rt
k1=$(ktls_n)
sed -n "$((mark + 1)),\$p" "$D/access.log" > "$T_TMP/access"
node - "$T_TMP/out" "$NG" "$T_TMP/access" "$((k1 - k0))" <<'EOF' || tail -n 3 "$T_TMP/run.err"
const fs = require('fs');
const { readJsonl } = require(process.env.RAWTEL_TOP + '/tests/node/otlp-read.js');
const [dir, ng, accessFile, ktls] = process.argv.slice(2);
// nginx's log: "PORT "GET /path HTTP/1.1" STATUS"
const want = fs.readFileSync(accessFile, 'utf8').trim().split('\n').map((l) => {
  const m = /^(\d+) "GET (\S+) HTTP\/1\.1" (\d+)$/.exec(l) || [];
  return `${m[1]} ${m[2]} ${m[3]}`;
}).sort();
const { spans } = readJsonl(dir);
const got = spans.filter((x) => x.res['process.pid'] === Number(ng) && x.s.kind === 2);
const seen = got.map(({ a }) => `${a['client.port']} ${a['url.path']} ${a['http.response.status_code']}`).sort();
const fails = [];
if (Number(ktls) < 2) fails.push(`${ktls} kTLS sessions during the run, want 2`);
if (want.length !== 3) fails.push(`nginx logged ${want.length} requests, want 3`);
if (JSON.stringify(seen) !== JSON.stringify(want)) fails.push(`spans ${JSON.stringify(seen)}, nginx logged ${JSON.stringify(want)}`);
for (const { a } of got)
  if (a['url.scheme'] !== 'https' || a['client.address'] !== '127.0.0.1' || a['network.peer.port'] !== a['client.port'] ||
      a['rawtel.tls.binding'] || a['rawtel.http.partial'])
    fails.push(`attributes ${JSON.stringify(a)}`);
if (fails.length) { console.log(`FAIL run_ktls: ${fails.slice(0, 4).join('; ')}`); process.exit(1); }
console.log(`PASS run_ktls (${got.length} SERVER spans over kTLS)`);
EOF
