#!/usr/bin/env python3
"""Checks rawtel trace http --json output against what the programs did.

  check_http.py run NAME TRACE.jsonl RUN.json ADDR [sides]
      rtt_http run (or seed): every exchange it made, seen from both sides
      (sides "both") or the client's only ("client"): method, path, query
      (redacted), status, exact request and response bytes, role, pid,
      host, user agent, traceparent, addresses and ports; nothing else from
      those processes, and nothing from any other process.
  check_http.py prefork NAME TRACE.jsonl RUN.json ADDR
      rtt_http prefork under --port: the worker's N exchanges (server side,
      local address the port) and nothing else (the client is unselected).
  check_http.py real NAME TRACE.jsonl PYPID PORT ADDR PATH...
      python3 -m http.server on PORT and curl fetching each PATH: both
      sides of each exchange, statuses 200 (404 for paths with "missing").
Prints PASS NAME or FAIL NAME: why.
"""
import ipaddress
import json
import sys

TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def load(path):
    with open(path) as f:
        out = [json.loads(line) for line in f if line.strip()]
    return [r for r in out if r.get("event") == "http"]


def hostport(addr, port):
    a = ipaddress.ip_address(addr)
    return f"[{a}]:{port}" if a.version == 6 else f"{a}:{port}"


def check_one(errs, what, r, want):
    for k, v in want.items():
        if r.get(k) != v:
            errs.append(f"{what}: {k}={r.get(k)!r}, want {v!r}")


def run(name, trace, runf, addr, sides="both"):
    recs = load(trace)
    run = json.load(open(runf))
    errs = []
    port = run["port"]
    for side, pid in (("client", run["client_pid"]), ("server", run["server_pid"])):
        mine = [r for r in recs if r["role"] == side and r["pid"] == pid]
        if side == "server" and sides == "client":
            if mine:
                errs.append(f"{len(mine)} server exchanges, want none")
            continue
        by_path = {r["path"]: r for r in mine}
        if len(by_path) != len(mine):
            errs.append(f"{side}: the same path twice: {[r['path'] for r in mine]}")
        want_paths = [x["path"] for x in run["exchanges"]]
        if sorted(by_path) != sorted(want_paths):
            errs.append(f"{side}: paths {sorted(by_path)}, want {sorted(want_paths)}")
        for x in run["exchanges"]:
            r = by_path.get(x["path"])
            if not r:
                continue
            what = f"{side} {x['path']}"
            prog = run.get("comm", "rtt_http")
            want = {"method": x["method"], "status": x["status"], "req_bytes": x["req_bytes"],
                    "resp_bytes": x["resp_bytes"], "host": "test", "user_agent": prog,
                    "flags": [], "comm": prog}
            if "tls" in run:  # rtt_ktls: TLS the kernel does
                want["tls"] = run["tls"]
            if x["method"] == "GET":
                want.update(query="token=REDACTED", traceparent=TP)
            if side == "client":
                want.update(peer=hostport(addr, port))
            else:
                # "rw" is accepted without a sockaddr: its real peer (learned
                # at first use, 6.3+) or, on older kernels, "-"; never another
                peer = hostport(addr, x["client_port"])
                want.update(local=hostport(addr, port),
                            peer="-" if x["conn"] == "rw" and r.get("peer") == "-" else peer)
            check_one(errs, what, r, want)
            if not 0 < r["duration_ns"] < 10_000_000_000:
                errs.append(f"{what}: duration {r['duration_ns']}")
            if not r["start_ns"] <= r["req_end_ns"] <= r["resp_start_ns"] <= r["end_ns"]:
                errs.append(f"{what}: times out of order")
    pids = {run["client_pid"], run["server_pid"]}
    others = [r for r in recs if r["pid"] not in pids]
    if others:
        errs.append(f"{len(others)} exchanges of other processes: {others[0]['comm']} {others[0]['path']}")
    return errs


def prefork(name, trace, runf, addr):
    recs = load(trace)
    run = json.load(open(runf))
    errs = []
    mine = [r for r in recs if r["pid"] == run["worker_pid"]]
    if len(mine) != run["n"] or len(recs) != run["n"]:
        errs.append(f"{len(mine)} worker exchanges of {len(recs)}, want {run['n']}")
    for r in mine:
        check_one(errs, "worker", r, {"role": "server", "method": "GET", "path": "/prefork/0",
                                      "status": 200, "req_bytes": run["req_bytes"],
                                      "resp_bytes": run["resp_bytes"],
                                      "local": hostport(addr, run["port"])})
    return errs


def real(name, trace, pypid, port, addr, *paths):
    recs = load(trace)
    errs = []
    pypid, port = int(pypid), int(port)
    for side in ("server", "client"):
        mine = [r for r in recs if r["role"] == side and r["path"] in paths]
        got = sorted(r["path"] for r in mine)
        if got != sorted(paths):
            errs.append(f"{side}: paths {got}, want {sorted(paths)}")
        for r in mine:
            want = {"method": "GET", "status": 404 if "missing" in r["path"] else 200,
                    "comm": "python3" if side == "server" else "curl",
                    ("local" if side == "server" else "peer"): hostport(addr, port)}
            if side == "server":
                want["pid"] = pypid
            check_one(errs, f"{side} {r['path']}", r, want)
            if r["resp_bytes"] <= 0 or r["req_bytes"] <= 0:
                errs.append(f"{side} {r['path']}: sizes {r['req_bytes']}/{r['resp_bytes']}")
    # both sides agree on the sizes
    for p in paths:
        sz = {(r["req_bytes"], r["resp_bytes"]) for r in recs if r["path"] == p}
        if len(sz) != 1:
            errs.append(f"{p}: sides disagree on sizes {sz}")
    return errs


def main():
    mode, name = sys.argv[1], sys.argv[2]
    try:
        errs = {"run": run, "prefork": prefork, "real": real}[mode](name, *sys.argv[3:])
    except (OSError, ValueError, KeyError) as e:
        errs = [f"cannot check: {e!r}"]
    if errs:
        print(f"FAIL {name}: " + "; ".join(errs[:8]))
    else:
        print(f"PASS {name}")


if __name__ == "__main__":
    main()
