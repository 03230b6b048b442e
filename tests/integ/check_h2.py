#!/usr/bin/env python3
"""Checks rawtel trace http --json output of tests/integ/trace_h2.sh:
    check_h2.py CASE NAME FILE ARGS...
prints PASS NAME or FAIL NAME: why."""
import json
import sys

case, name, path = sys.argv[1:4]
args = sys.argv[4:]
lines = []
for raw in open(path, encoding="utf-8"):
    ev = json.loads(raw)
    if ev.get("event") == "http":
        lines.append(ev)
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def of(pid, role):
    return [x for x in lines if x["pid"] == int(pid) and x["role"] == role]


def short(xs):
    return [(x["proto"], x["method"], x["path"], x["status"], x.get("stream"), x["flags"]) for x in xs]


TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
if case == "nghttp":
    server, client = args
    for role, pid in (("server", server), ("client", client)):
        xs = of(pid, role)
        got = sorted((x["path"], x["status"]) for x in xs)
        check(got == [("/big.txt", 200), ("/index.html", 200), ("/missing", 404)],
              "%s streams: %r" % (role, short(xs)))
        check(all(x["status_text"] == str(x["status"]) for x in xs),
              "%s STATUS is the HTTP status: %r" % (role, [x["status_text"] for x in xs]))
        check(all(x["proto"] == "2" and x["method"] == "GET" and x.get("traceparent") == TP
                  and x["unknown_fields"] == 0 for x in xs),
              "%s fields: %r" % (role, short(xs)))
        # concurrent streams of one connection (nghttp's own priority
        # anchors take the first stream ids)
        check(len({x["conn"] for x in xs}) == 1 and len({x["stream"] for x in xs}) == 3,
              "%s: one connection, three streams: %r" % (role, short(xs)))
        # a response whose end was not captured says so, never less
        big = [x for x in xs if x["path"] == "/big.txt"]
        check(big and (big[0]["resp_bytes"] == 40000 or "resp_open" in big[0]["flags"]),
              "40000 bytes: %r" % short(big))
elif case == "curl":
    server, get, post = args
    xs = of(server, "server")
    check([(x["proto"], x["method"], x["path"]) for x in xs] ==
          [("2", "GET", "/index.html"), ("2", "POST", "/index.html")], "server: %r" % short(xs))
    for pid, method in ((get, "GET"), (post, "POST")):
        xs = of(pid, "client")
        check([(x["proto"], x["method"], x["path"]) for x in xs] == [("2", method, "/index.html")],
              "%s client: %r" % (method, short(xs)))
    check(len(xs) == 1 and xs[0]["req_bytes"] == 3, "POST body: %r" % short(xs))
elif case == "upgrade":
    server, client, port = args
    for role, pid in (("server", server), ("client", client)):
        xs = of(pid, role)
        check([(x["proto"], x["method"], x["path"], x["status"], x["stream"]) for x in xs] ==
              [("2", "GET", "/up.txt", 200, 1), ("2", "GET", "/second", 200, 3)],
              "%s: %r" % (role, short(xs)))
        check(len(xs) == 2 and xs[0]["flags"] == ["upgraded"] and xs[1]["flags"] == [] and
              xs[0]["authority"] == "127.0.0.1:" + port and xs[0]["resp_bytes"] == 16,
              "%s stream 1: %r" % (role, xs[:1]))
        check(not [x for x in lines if x["proto"].startswith("1.") and x["pid"] == int(pid)],
              "%s: the 101 is stream 1, no HTTP/1 exchange" % role)
elif case == "grpc":
    server, client = args
    svc = "/rawtel.test.Demo/"
    want = {svc + m: st for m, st in (("Echo", 0), ("Count", 0), ("Fail", 5), ("Slow", 4))}
    names = {svc + m: st for m, st in (("Echo", "OK"), ("Count", "OK"), ("Fail", "NOT_FOUND"),
                                        ("Slow", "DEADLINE_EXCEEDED"))}
    srv, cli = of(server, "server"), of(client, "client")
    for role, xs in (("server", srv), ("client", cli)):
        # every header block decoded: names and statuses exact
        check(sorted(x["path"] for x in xs) == sorted(want), "%s calls: %r" % (role, short(xs)))
        for x in xs:
            check(x["proto"] == "grpc" and x["method"] == "POST" and x["unknown_fields"] == 0,
                  "%s call: %r" % (role, x))
            # Slow's deadline races: the server's DEADLINE_EXCEEDED
            # trailers, or the client's RST_STREAM(CANCEL) before them
            # (no grpc-status seen)
            ok = x["grpc_status"] == want.get(x["path"])
            if x["path"] == svc + "Slow" and not ok:
                ok = (x["grpc_status"] == -1 and "reset" in x["flags"] and x["error_code"] == 8
                      and "no_response" in x["flags"])
            check(ok, "%s status: %r" % (role, short([x]) + [x["error_code"]]))
            # STATUS is the call's status as its spans say it, whichever
            # of Slow's endings was seen (a reset past the deadline is
            # DEADLINE_EXCEEDED)
            check(x["status_text"] == names.get(x["path"]),
                  "%s STATUS of %s: %r" % (role, x["path"], x["status_text"]))
        by = {x["path"]: x for x in xs}
        check(by.get(svc + "Fail", {}).get("grpc_status") == 5 and
              by.get(svc + "Fail", {}).get("grpc_message") == "no such thing", "%s Fail: NOT_FOUND" % role)
        check(by.get(svc + "Count", {}).get("resp_msgs") == 3 and
              by.get(svc + "Count", {}).get("req_msgs") == 1, "%s Count: 1 message in, 3 out" % role)
else:
    fails.append("unknown case " + case)

if fails:
    # rawtel's summary (gaps, records too late) says whether bytes were lost
    try:
        summary = open(path[:-len(".jsonl")] + ".err").read().strip().splitlines()[-1:]
    except OSError:
        summary = []
    print("FAIL %s: %s" % (name, "; ".join(summary + fails)[:3000]))
else:
    print("PASS " + name)
