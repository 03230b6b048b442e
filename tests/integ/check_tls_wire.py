# The checker of tests/integ/trace_tls_java.sh and trace_tls_go.sh: a
# client in a TLS rawtel does not probe (JSSE, crypto/tls) traced by
# rawtel trace tls,http --json. Its only records must be one handshake per
# connection it made, each with the facts the client reports and nginx
# logs: server name, version, cipher suite, ALPN offered and chosen (none
# seen in 1.3, where the server's choice is encrypted), resumption, role,
# peer and a duration. Client lines: LPORT PROTOCOL SUITE ALPN [RESUMED];
# nginx's: LPORT PROTOCOL SNI [REUSED r or .]. Prints PASS or FAIL NAME.
#   python3 check_tls_wire.py NAME TRACE CLIENT NGINX_LOG PORT COMM OFFERED
import json
import sys

name, trace, client_out, log, port, comm, offered = sys.argv[1:8]
recs = [json.loads(l) for l in open(trace) if l.strip()]
client = [l.split() for l in open(client_out) if l.strip()]
logged = {l.split()[0]: l.split()[1:] for l in open(log) if l.strip()}
errs = []
hs = [r for r in recs if r.get("event") == "tls" and r.get("kind") == "handshake"]
other = [r for r in recs if r not in hs]
if other:
    errs.append(f"{len(other)} records besides the handshakes, first {other[0]}")
if not client or len(hs) != len(client):
    errs.append(f"{len(hs)} handshakes traced, {len(client)} made")
for h, (lport, proto, suite, alpn, *more) in zip(hs, client):
    resumed = more == ["true"]
    want_v = {"TLSv1.3": "1.3", "TLSv1.2": "1.2"}[proto]
    what = f"{proto} from port {lport}"
    want_log = [proto, "tls.rawtel.test"] + (["r" if resumed else "."] if more else [])
    if logged.get(lport) != want_log:
        errs.append(f"{what}: nginx logged {logged.get(lport)}, want {want_log}")
    want = {"comm": comm, "role": "client", "established": True,
            "peer": f"127.0.0.1:{port}", "sni": "tls.rawtel.test", "version": want_v,
            "cipher": suite, "alpn_offered": offered,
            "alpn": "" if want_v == "1.3" else alpn, "resumed": resumed}
    got = {k: h.get(k) for k in want}
    if got != want:
        errs.append(f"{what}: {got}, want {want}")
    if not 0 < h.get("duration_ns", 0) < 10_000_000_000:
        errs.append(f"{what}: handshake duration {h.get('duration_ns')}")
print(f"FAIL {name}: " + "; ".join(errs[:4]) if errs else f"PASS {name}")
