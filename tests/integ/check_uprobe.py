#!/usr/bin/env python3
"""Checks `rawtel trace dns|uprobe --json` output for a tests/progs/rtt_dns run.
Usage: check_uprobe.py NAME EVENTS.jsonl PID.json N MODE
MODE: dns (N getaddrinfo localhost ok, N failing, 1 gethostbyname),
fn (rtt_target_fn N times), glob (rtt_target_fn N times, rtt_target_other 2N).
Prints PASS/FAIL for tests/run.sh."""
import json
import sys

name, events_path, pid_path, n, mode = sys.argv[1:6]
n = int(n)
run = json.load(open(pid_path))
pid = run["pid"]
fails = []
events = []
for line in open(events_path):
    try:
        events.append(json.loads(line))
    except ValueError as e:
        fails.append("not JSON: %r (%s)" % (line[:120], e))
mine = [e for e in events if e["pid"] == pid]


def check(cond, what):
    if not cond:
        fails.append(what)


def lat_ok(e):
    return 0 < e["latency_ns"] < 2e9


if mode == "dns":
    check(run["ok"] == n and run["failed"] == n and run["ghbn"] == 1, "driver did not run as planned: %r" % run)
    gai = [e for e in mine if e["event"] == "dns" and e["function"] == "getaddrinfo"]
    ok = [e for e in gai if e["host"] == "localhost"]
    bad = [e for e in gai if e["host"] == "rtt-no-such-host.invalid"]
    check(len(ok) == n and all(e["result"] == "0" and e["ok"] for e in ok),
          "getaddrinfo localhost: want %d ok, got %r" % (n, [(e["result"]) for e in ok]))
    check(len(bad) == n and all(e["result"] == "EAI_NONAME" and not e["ok"] for e in bad),
          "failing name: want %d EAI_NONAME, got %r" % (n, [e["result"] for e in bad]))
    check(len(gai) == 2 * n, "getaddrinfo events: %d, want %d" % (len(gai), 2 * n))
    gh = [e for e in mine if e["event"] == "dns" and e["function"] == "gethostbyname"]
    check(len(gh) == 1 and gh[0]["host"] == "localhost" and gh[0]["ok"], "gethostbyname: %r" % gh)
    check(all(lat_ok(e) for e in mine), "implausible latencies: %r" % [e["latency_ns"] for e in mine])
    check(all(e["comm"].startswith("rtt_dns") for e in mine), "comm: %r" % {e["comm"] for e in mine})
else:
    fn = [e for e in mine if e["event"] == "uprobe" and e["function"] == "rtt_target_fn"]
    check(len(fn) == n, "rtt_target_fn calls: %d, want %d" % (len(fn), n))
    check(sorted(int(e["ret"]) for e in fn) == [2 * i + 1 for i in range(n)],
          "rtt_target_fn returns: %r" % [e["ret"] for e in fn])
    check(all(lat_ok(e) for e in fn), "latencies: %r" % [e["latency_ns"] for e in fn])
    other = [e for e in mine if e["event"] == "uprobe" and e["function"] == "rtt_target_other"]
    if mode == "glob":
        check(len(other) == 2 * n and all(e["ret"] == "-7" for e in other),
              "rtt_target_other: %d calls, returns %r" % (len(other), {e["ret"] for e in other}))
    else:
        check(not other, "rtt_target_other traced without being asked for")

if fails:
    print("FAIL %s: %s" % (name, "; ".join(fails[:5])))
else:
    print("PASS %s (%d events)" % (name, len(mine)))
