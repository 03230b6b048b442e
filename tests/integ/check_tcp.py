#!/usr/bin/env python3
"""Checks rawtel trace tcp,retrans --json output against what rtt_tcp did.

  check_tcp.py life NAME TRACE.jsonl RUN.json ADDR [all|pid|comm] [io|noio]
      rtt_tcp life: exactly 2N connection records with its port, one per
      side of each connection: owners, directions, ports, addresses, bytes,
      states and durations (at least the hold, at most the run's own
      elapsed time + 2 s: an emulated guest stalls for seconds). Under
      --pid (the client's pid) the same: the server is the client's child.
  check_tcp.py resets NAME TRACE.jsonl REFUSED.json ABORT.json ADDR [io|noio]
               [rstnosock|norstnosock]
      rtt_tcp refused and abort: the resets sent and received, their
      owners, states and reasons, and how the connections ended.
  noio: a kernel without sock:sock_send_length (Debian's 6.1): no byte
  counts, and an accepted connection's owner is only found when it closes
  in order (LAST_ACK), never when it aborts. norstnosock: a kernel that
  traces only resets sent by sockets (before 6.10).
  check_tcp.py retrans NAME TRACE.jsonl ADDR_A ADDR_B PORT KERNEL_DELTA
      a bulk transfer from A to B:PORT with packets dropped: the
      retransmissions rawtel saw between A and B against the kernel's
      TcpRetransSegs (both namespaces). The kernel counts a retransmission
      when it is handed to the device, after the checks that can refuse it;
      the tracepoint fires for every attempt, with err set when refused, so
      sent (err 0) <= kernel <= sent + refused, and equal when nothing was
      refused, but for program runs the kernel skipped (see retrans()). The
      link's gso_max_segs is 1: one event is one segment.
Prints PASS NAME or FAIL NAME: why.
"""
import ipaddress
import json
import sys

SLACK_NS = 2_000_000_000


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def norm(a):
    return str(ipaddress.ip_address(a))


def life(name, trace, run, addr, mode, io="io"):
    recs = [r for r in load(trace) if r["event"] == "tcp"]
    run = json.load(open(run))
    port, n, hold = run["port"], run["n"], run["hold_ms"] * 1_000_000
    cports = run["client_ports"]
    most = run["elapsed_ns"] + SLACK_NS
    fam = "ipv6" if ":" in addr else "ipv4"
    mine = [r for r in recs if port in (r["lport"], r["rport"]) and r["family"] == fam
            and norm(r["laddr"]) == norm(addr)]
    client = [r for r in mine if r["rport"] == port]
    server = [r for r in mine if r["lport"] == port]
    # (a child socket the kernel freed at once, the loser of a race for one
    # connection, is no record of rawtel's: user/probes/tcpdec.c
    # tcp_lost_child)
    errs = []
    if len(client) != n or len(server) != n or len(mine) != 2 * n:
        errs.append(f"{len(client)} client and {len(server)} server records, want {n} of each")
    if sorted(r["lport"] for r in client) != sorted(cports):
        errs.append(f"client ports {sorted(r['lport'] for r in client)}, want {sorted(cports)}")
    if sorted(r["rport"] for r in server) != sorted(cports):
        errs.append(f"server peers {sorted(r['rport'] for r in server)}")
    # the client closes first: FIN_WAIT2 (or CLOSING when both FINs cross)
    c_states = (["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE"],
                ["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "CLOSING", "CLOSE"])
    s_states = (["SYN_RECV", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSE"],)
    noio = io == "noio"
    for side, rs, pid, how, d, tx, rx, states in (
            ("client", client, run["client_pid"], "connect", "out", 100, 200, c_states),
            ("server", server, run["server_pid"], "close" if noio else "io", "in", 200, 100, s_states)):
        for r in rs:
            what = f"{side} {r['lport']}->{r['rport']}"
            if r["pid"] != pid or r["comm"] != "rtt_tcp" or r["owner_from"] != how:
                errs.append(f"{what}: owner {r['pid']}/{r['comm']}/{r['owner_from']}, want {pid}/rtt_tcp/{how}")
            if r["direction"] != d or norm(r["raddr"]) != norm(addr):
                errs.append(f"{what}: direction {r['direction']} peer {r['raddr']}")
            if noio:
                tx = rx = None
            if r.get("tx_bytes") != tx or r.get("rx_bytes") != rx:
                errs.append(f"{what}: bytes {r.get('tx_bytes')}/{r.get('rx_bytes')}, want {tx}/{rx}")
            if r["states"] not in states or "error" in r or r["retransmits"] != 0:
                errs.append(f"{what}: states {r['states']} error {r.get('error')}")
            dur = r.get("duration_ns")
            if dur is None or not hold <= dur <= most:
                errs.append(f"{what}: duration {dur} ns, hold {hold}, at most {most}")
    # nothing else in the selected process(es) under a filter
    if mode == "pid" and any(r["pid"] not in (run["client_pid"], run["server_pid"]) for r in recs):
        errs.append("records of other processes under --pid")
    if mode == "comm" and any(r["comm"] != "rtt_tcp" for r in recs):
        errs.append("records of other commands under --comm")
    return errs


def resets(name, trace, refused, abort, addr, io="io", rst="rstnosock"):
    recs = load(trace)
    noio = io == "noio"
    rf, ab = json.load(open(refused)), json.load(open(abort))
    errs = []

    def pick(event, kind, lport, rport):
        return [r for r in recs if r["event"] == event and r.get("kind", kind) == kind
                and r["lport"] == lport and r["rport"] == rport and norm(r["laddr"]) == norm(addr)]

    def one(what, rs, **want):
        if len(rs) != 1:
            errs.append(f"{what}: {len(rs)} records, want 1")
            return None
        for k, v in want.items():
            if rs[0].get(k) != v:
                errs.append(f"{what}: {k}={rs[0].get(k)!r}, want {v!r}")
        return rs[0]

    # connection refused: our SYN answered by a reset for no socket
    one("refused: reset received", pick("retrans", "rst_recv", rf["client_port"], rf["port"]),
        pid=rf["pid"], state="SYN_SENT", owner_from="connect", direction="out")
    nosock = pick("retrans", "rst_sent", rf["port"], rf["client_port"])
    if rst == "norstnosock":
        if nosock:
            errs.append("refused: a reset for no socket from a kernel that does not trace them")
    else:
        sent = one("refused: reset sent", nosock, pid=0, comm="")
        if sent and "reason" in sent and sent["reason"] != "NO_SOCKET":
            errs.append(f"refused: reason {sent['reason']}")
    one("refused: connection", pick("tcp", None, rf["client_port"], rf["port"]), pid=rf["pid"],
        states=["SYN_SENT", "CLOSE"], error="connection_refused", rst_received=True)
    # the server's SO_LINGER 0 close: a reset sent after the close, its
    # owner found in the closed ring; the client receives it
    # without the I/O tracepoints the aborting server is never seen owning
    # its accepted connection
    spid, scomm = (0, "") if noio else (ab["server_pid"], "rtt_tcp")
    one("abort: reset sent", pick("retrans", "rst_sent", ab["port"], ab["client_port"]),
        pid=spid, comm=scomm, state="CLOSE", direction="in")
    one("abort: reset received", pick("retrans", "rst_recv", ab["client_port"], ab["port"]),
        pid=ab["client_pid"], state="ESTABLISHED", direction="out")
    one("abort: server side", pick("tcp", None, ab["port"], ab["client_port"]), pid=spid,
        states=["SYN_RECV", "ESTABLISHED", "CLOSE"], error="aborted",
        rx_bytes=None if noio else 10, tx_bytes=None if noio else 0)
    one("abort: client side", pick("tcp", None, ab["client_port"], ab["port"]), pid=ab["client_pid"],
        states=["SYN_SENT", "ESTABLISHED", "CLOSE"], error="connection_reset", rst_received=True,
        tx_bytes=None if noio else 10, rx_bytes=None if noio else 0)
    return errs


def retrans(name, trace, a, b, port, delta, lost):
    port, delta, lost = int(port), int(delta), int(lost)
    ends = {(norm(a), norm(b)), (norm(b), norm(a))}
    rs = [r for r in load(trace) if r["event"] == "retrans" and r["kind"] in ("retrans", "synack")
          and (norm(r["laddr"]), norm(r["raddr"])) in ends and port in (r["lport"], r["rport"])]
    sent = sum(1 for r in rs if r.get("err", 0) == 0)
    refused = len(rs) - sent
    errs = []
    if delta <= 0:
        errs.append(f"the kernel counted {delta} retransmissions: no loss provoked")
    # The kernel skips a tracing program that fires while another BPF
    # program runs on the same CPU (a softirq retransmission interrupting
    # a program: its recursion guard) and counts the skip in the program's
    # recursion_misses, which rawtel reports among the events lost in the
    # kernel (`lost`). Every retransmission the kernel counted is an event
    # or one of those; never an event more than the kernel counted.
    if not sent <= delta <= sent + refused + lost:
        errs.append(f"rawtel saw {sent} sent (+{refused} refused, {lost} lost and counted), "
                    f"the kernel counted {delta}")
    if not errs:
        codes = sorted({r["err"] for r in rs if r.get("err")})
        print(f"# {name}: kernel {delta}, rawtel {sent} sent ({sum(1 for r in rs if r['kind'] == 'synack')} "
              f"SYN-ACKs), {refused} attempts refused (err {codes})")
    return errs


def main():
    what, name = sys.argv[1], sys.argv[2]
    try:
        if what == "life":
            errs = life(name, *sys.argv[3:6], *sys.argv[6:8])
        elif what == "retrans":
            errs = retrans(name, *sys.argv[3:9])
        else:
            errs = resets(name, *sys.argv[3:10])
    except (OSError, ValueError, KeyError) as e:
        errs = [f"{type(e).__name__}: {e}"]
    if errs:
        print(f"FAIL {name}: " + "; ".join(errs[:6]))
        return 1
    print(f"PASS {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
