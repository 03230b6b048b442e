#!/bin/sh
# rawtel run exporting to collectors named by host name, resolved by
# rawtel's own resolver (user/sink/resolve.c): rawtel runs in a mount
# namespace where a test resolv.conf and hosts are bound over /etc's (the
# machine's stay untouched), and a small DNS server on 127.0.0.77:53 knows
# the test's names (the nameserver listed before it does not answer). Checks, with the OTLP bodies decoded by the
# OpenTelemetry project's code (tests/node/check-run.js):
#   run_resolve_dns     "collector", no dots: resolv.conf's search domain
#                       makes it collector.rawtel.test, a CNAME to
#                       real.rawtel.test, whose A record is 127.0.0.1
#   run_resolve_hosts   an alias on an /etc/hosts line, no DNS query
#   run_resolve_nxdomain "nosuch": one clear error line naming the host and
#                       the nameserver; the data is spooled, and a second
#                       run delivers it (nothing collected is lost)
. "$RAWTEL_TOP/tests/lib.sh"
NODE_DIR="$RAWTEL_TOP/tests/node"
DRIVER="$RAWTEL_PROGS/rtt_driver"

need_node run_resolve || exit 0
command -v unshare > /dev/null || { fail run_resolve "no unshare (util-linux)"; exit 0; }
require_bpf run_resolve || exit 0

# the DNS server: A records for real.rawtel.test, a CNAME to it for
# collector.rawtel.test, empty AAAA answers, NXDOMAIN for the rest; every
# question is logged
cat > "$T_TMP/dnsd.py" << 'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.77", 53))
log = open(sys.argv[1], "a", buffering=1)
print("ready", flush=True)
def name(b):
    return b"".join(bytes([len(l)]) + l for l in b.split(b".")) + b"\0"
while True:
    m, peer = s.recvfrom(512)
    i, labels = 12, []
    while m[i]:
        labels.append(m[i + 1:i + 1 + m[i]]); i += 1 + m[i]
    q = b".".join(labels).lower()
    qtype = struct.unpack(">H", m[i + 1:i + 3])[0]
    log.write("%s %d\n" % (q.decode(), qtype))
    quest = m[12:i + 5]
    rrs, an, rcode = b"", 0, 3
    if q in (b"collector.rawtel.test", b"real.rawtel.test"):
        rcode, owner = 0, b"\xc0\x0c"
        if q == b"collector.rawtel.test":
            cn = name(b"real.rawtel.test")
            rrs += owner + struct.pack(">HHIH", 5, 1, 60, len(cn)) + cn
            an += 1
            owner = struct.pack(">H", 0xc000 | (12 + len(quest) + 12))
        if qtype == 1:
            rrs += owner + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 1])
            an += 1
    hdr = m[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, an, 0, 0)
    s.sendto(hdr + quest + rrs, peer)
PY
python3 "$T_TMP/dnsd.py" "$T_TMP/dns.log" > "$T_TMP/dnsd.out" 2>&1 &
dnsd=$!; track_pid $dnsd
if ! wait_for "$T_TMP/dnsd.out" "ready" 50; then
	fail run_resolve "the test DNS server did not start: $(cat "$T_TMP/dnsd.out")"; exit 0
fi
# the first nameserver has nothing listening: each query moves on to the second
printf '# test resolv.conf\nsearch rawtel.test\nnameserver 127.0.0.78\nnameserver 127.0.0.77 ; the test server\noptions ndots:1 timeout:2 attempts:1\n' \
	> "$T_TMP/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1 localhost ip6-localhost # comment\n127.0.0.1 otel.hosts.test hosts-alias\n' \
	> "$T_TMP/hosts"

# drive NAME ENDPOINT [options]: rawtel run in its own mount namespace with
# the test's resolv.conf and hosts, the driver once, then SIGTERM
drive() {
	name=$1 ep=$2; shift 2
	run_driven "$name" unshare -m sh -c 'mount --bind "$1/resolv.conf" /etc/resolv.conf &&
		mount --bind "$1/hosts" /etc/hosts && shift && exec "$@"' sh "$T_TMP" \
		"$RAWTEL" run --no-status --probes exec,exit --endpoint "$ep" "$@"
}
check() { node "$NODE_DIR/check-run.js" "$@"; }

otlp_receiver "$T_TMP/dns." 60000 "$T_TMP/dns.rlog"
if drive run_resolve_dns "http://collector:$rport" --no-spool; then
	if grep -q "^collector.rawtel.test 1$" "$T_TMP/dns.log"; then
		check run_resolve_dns "$T_TMP/dns.bodies" "$T_TMP/run_resolve_dns.pids" --format protobuf
	else
		fail run_resolve_dns "no A query for collector.rawtel.test: $(cat "$T_TMP/dns.log")"
	fi
fi

otlp_receiver "$T_TMP/hosts." 60000 "$T_TMP/hosts.rlog"
: > "$T_TMP/dns.log"
if drive run_resolve_hosts "http://hosts-alias:$rport" --no-spool; then
	if [ -s "$T_TMP/dns.log" ]; then
		fail run_resolve_hosts "a name in /etc/hosts was asked of DNS: $(cat "$T_TMP/dns.log")"
	else
		check run_resolve_hosts "$T_TMP/hosts.bodies" "$T_TMP/run_resolve_hosts.pids" --format protobuf
	fi
fi

# no such name: the error line, then everything spooled; a second run to a
# good name delivers what the first one collected
otlp_receiver "$T_TMP/nx." 60000 "$T_TMP/nx.rlog"
if drive run_resolve_nxdomain "http://nosuch:$rport" --spool "$T_TMP/spool"; then
	line="cannot resolve nosuch: no such name (NXDOMAIN) from nameserver 127.0.0.77"
	if ! grep -qF "$line" "$T_TMP/run_resolve_nxdomain.err"; then
		fail run_resolve_nxdomain "no \"$line\": $(cat "$T_TMP/run_resolve_nxdomain.err")"
	elif [ -z "$(ls "$T_TMP/spool" 2> /dev/null)" ]; then
		fail run_resolve_nxdomain "nothing spooled in $T_TMP/spool"
	elif drive run_resolve_respool "http://collector:$rport" --spool "$T_TMP/spool"; then
		# the first run's exec and exits among what the second delivered
		node -e '
const { readBodies } = require(process.argv[1] + "/otlp-read.js");
const b = readBodies(process.argv[2]), p = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
const want = [["rawtel.process.exec", p.true], ["rawtel.process.exit", p.exit3], ["rawtel.process.exit", p.killed]];
const miss = want.filter(([e, pid]) => !b.logs.some((l) => l.l.eventName === e && l.a["process.pid"] === pid));
console.log(miss.length ? "FAIL run_resolve_nxdomain: not delivered from the spool: " + JSON.stringify(miss) :
  "PASS run_resolve_nxdomain (the error line; the spooled records delivered by the next run)");
' "$NODE_DIR" "$T_TMP/nx.bodies" "$T_TMP/run_resolve_nxdomain.pids"
	fi
fi
kill $dnsd
