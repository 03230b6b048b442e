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

# the client waits until rawtel traces it (--pid), then runs
sh -c 'i=0; while [ ! -s "$0/go" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done; exec java -cp "$0" TlsClient "$1" tls.rawtel.test' \
	"$T_TMP" "$PORT" > "$T_TMP/client.out" 2> "$T_TMP/client.err" &
cl=$!; track_pid $cl
"$RAWTEL" trace tls,http --pid $cl --json > "$T_TMP/trace.jsonl" 2> "$T_TMP/trace.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/trace.err" "tracing" 300; then
	fail $N "rawtel trace did not start: $(cat "$T_TMP/trace.err")"; exit 0
fi
echo go > "$T_TMP/go"
i=0
while kill -0 $cl 2> /dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait $cl; crc=$?
sleep 0.3
kill -INT $rt; wait $rt
if [ $crc -ne 0 ]; then fail $N "the Java client exited $crc: $(tail -n 3 "$T_TMP/client.err")"; exit 0; fi

/usr/bin/python3 - $N "$T_TMP/trace.jsonl" "$T_TMP/client.out" "$D/tls.log" "$PORT" <<'PY'
import json, sys
name = sys.argv[1]
recs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
client = [l.split() for l in open(sys.argv[3]) if l.strip()]
logged = {l.split()[0]: l.split()[1:] for l in open(sys.argv[4]) if l.strip()}
port = sys.argv[5]
errs = []
hs = [r for r in recs if r.get("event") == "tls" and r.get("kind") == "handshake"]
other = [r for r in recs if r not in hs]
if other:
    errs.append(f"{len(other)} records besides the handshakes, first {other[0]}")
if len(client) != 2 or len(hs) != 2:
    errs.append(f"{len(hs)} handshakes traced, {len(client)} made, want 2")
for h, (lport, proto, suite, alpn) in zip(hs, client):
    want_v = {"TLSv1.3": "1.3", "TLSv1.2": "1.2"}[proto]
    what = f"{proto} from port {lport}"
    if logged.get(lport) != [proto, "tls.rawtel.test"]:
        errs.append(f"{what}: nginx logged {logged.get(lport)}")
    want = {"comm": "java", "role": "client", "established": True,
            "peer": f"127.0.0.1:{port}", "sni": "tls.rawtel.test", "version": want_v,
            "cipher": suite, "alpn_offered": "http/1.1",
            "alpn": "" if want_v == "1.3" else alpn, "resumed": False}
    got = {k: h.get(k) for k in want}
    if got != want:
        errs.append(f"{what}: {got}, want {want}")
    if not 0 < h.get("duration_ns", 0) < 10_000_000_000:
        errs.append(f"{what}: handshake duration {h.get('duration_ns')}")
print(f"FAIL {name}: " + "; ".join(errs[:4]) if errs else f"PASS {name}")
PY
