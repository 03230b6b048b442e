#!/usr/bin/env python3
"""Checks what `rawtel trace exec,exit,open --json` printed while
tests/progs/rtt_driver ran: the exact events for the processes and files the
driver controls.  Usage: check_trace.py NAME EVENTS.jsonl PIDS.json MODE
MODE: all (no filter), pid (--pid of the driver: it and its children),
comm (--comm rtt_driver).
Prints PASS/FAIL lines for tests/run.sh."""
import json
import os
import sys

name, events_path, pids_path, mode = sys.argv[1:5]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


events = []
with open(events_path) as f:
    for n, line in enumerate(f, 1):
        try:
            events.append(json.loads(line))
        except ValueError as e:
            fails.append("line %d is not JSON (%s): %r" % (n, e, line[:200]))
pids = json.load(open(pids_path))
drv = pids["driver"]
# flags the driver's libc adds to every open(): O_LARGEFILE under musl
# (the static driver of the qemu tests: 0o100000 on x86_64, 0o400000 on
# ARM), nothing under glibc on 64-bit
libc_adds = pids.get("libc_open_flags", 0)
check(libc_adds in (0, 0o100000, 0o400000), "unexpected libc_open_flags %r" % libc_adds)
FLAG_BITS = {"O_RDONLY": 0, "O_WRONLY": 0o1, "O_CREAT": 0o100, "O_TRUNC": 0o1000,
             "O_LARGEFILE": libc_adds, "O_CLOEXEC": 0o2000000}


def libc_open(*names):
    """flags_names rawtel prints for an open() of NAMES through the libc"""
    names = list(names) + (["O_LARGEFILE"] if libc_adds else [])
    return "|".join(sorted(names, key=lambda n: FLAG_BITS[n]))


def of(kind, pid, **match):
    return [e for e in events if e["event"] == kind and e["pid"] == pid and
            all(e.get(k) == v for k, v in match.items())]


def one(kind, pid, what, **match):
    got = of(kind, pid, **match)
    check(len(got) == 1, "%s: want exactly one %s event, got %d" % (what, kind, len(got)))
    return got[0] if got else {}


# every record is well formed
for e in events:
    check(e.get("event") in ("exec", "exit", "open"), "unknown event %r" % e)
    check(isinstance(e.get("ts_ns"), int) and e["ts_ns"] > 0, "bad ts_ns in %r" % e)
    check(e.get("time", "").endswith("Z"), "bad time in %r" % e)

children = ["true", "missing", "exit3", "killed", "many"]
if mode == "pid":
    # the driver and its children (forked after rawtel started), nothing else
    family = [drv] + [pids[c] for c in children]
    check(all(e["pid"] in family for e in events), "--pid: events of other processes: %r" %
          sorted(set(e["pid"] for e in events) - set(family))[:5])
if mode == "comm":
    check(all(e["comm"] == "rtt_driver" for e in events), "--comm: other commands leaked")
    check(not of("exec", pids["true"]), "--comm: exec of 'true' (comm true) leaked")

# the driver itself: exec'd after rawtel started, its opens, its end
ex = one("exec", drv, "driver exec")
if ex:
    check(ex["ret"] == 0 and ex["filename"].endswith("/rtt_driver"), "driver exec: %r" % ex)
    check(ex["argv"][1:] == [pids["known"].rsplit("/", 1)[0]], "driver argv: %r" % ex["argv"])
    check(ex["comm"] == "rtt_driver" and ex["uid"] == pids["uid"], "driver exec: %r" % ex)
known = of("open", drv, path=pids["known"])
check(len(known) == (2 if pids["openat2_fd"] >= 0 else 1),
      "opens of known.txt: %d (%r)" % (len(known), known))
creat = [e for e in known if e["flags"] & 0o100]
check(len(creat) == 1, "one O_CREAT open of known.txt")
if creat:
    c = creat[0]
    check(c["flags_names"] == libc_open("O_WRONLY", "O_CREAT", "O_TRUNC", "O_CLOEXEC") and
          c["flags"] == 0o2001101 | libc_adds, "creat flags %r" % c)
    check(c["mode"] == 0o640 and c["ret"] >= 3 and "error" not in c, "creat: %r" % c)
if pids["openat2_fd"] >= 0:
    o2 = [e for e in known if e["flags_names"] == "O_RDONLY|O_NOFOLLOW"]
    check(len(o2) == 1 and o2[0]["ret"] == pids["openat2_fd"], "openat2: %r" % known)
miss = one("open", drv, "missing open", path=pids["missing_path"])
if miss:
    check(miss["ret"] == -2 and miss["error"] == "ENOENT", "missing: %r" % miss)
    check(miss["flags_names"] == libc_open("O_RDONLY") and miss["flags"] == libc_adds,
          "missing flags: %r" % miss)
dx = one("exit", drv, "driver exit")
if dx:
    check(dx.get("exit_code") == 0 and "signal" not in dx, "driver exit: %r" % dx)
    check(0 < dx.get("lifetime_ns", 0) < 30e9, "driver lifetime: %r" % dx)

# forked children (comm rtt_driver until they exec)
e3 = one("exit", pids["exit3"], "exit(3) child")
if e3:
    check(e3.get("exit_code") == 3 and e3["ppid"] == drv, "exit3: %r" % e3)
    check(0 < e3.get("lifetime_ns", 0) < 10e9, "exit3 lifetime: %r" % e3)
kd = one("exit", pids["killed"], "killed child")
if kd:
    check(kd.get("signal") == 9 and kd.get("signal_name") == "SIGKILL" and
          "exit_code" not in kd, "killed: %r" % kd)
mx = one("exec", pids["missing"], "failed exec")
if mx:
    check(mx["ret"] == -2 and mx["error"] == "ENOENT", "failed exec: %r" % mx)
    check(mx["filename"] == "/nonexistent/rtt-prog" and
          mx["argv"] == ["/nonexistent/rtt-prog", "x"], "failed exec: %r" % mx)
    check(mx["ppid"] == drv and mx["comm"] == "rtt_driver", "failed exec: %r" % mx)
mex = one("exit", pids["missing"], "failed exec's exit")
check(mex.get("exit_code") == 7, "exit after failed exec: %r" % mex)

# Without task registers (kernels before 5.15, or RAWTEL_FEATURES_OFF) an
# argv the kernel side could not read at entry (a forked child whose pages
# of its parent's literals are not mapped yet) cannot be re-read from the
# new stack; /proc/PID/cmdline is the fallback, gone for a process as
# short-lived as /bin/true. Then the record must say so, not invent one.
no_regs = "task_regs" in os.environ.get("RAWTEL_FEATURES_OFF", "").split(",")


def argv_ok(e, want):
    if e["argv"] == want:
        return True
    return no_regs and e["argv"] == [] and e["args_source"] == "unavailable"


if mode in ("all", "pid"):
    t = one("exec", pids["true"], "exec /bin/true")
    if t:
        check(t["filename"] == "/bin/true" and argv_ok(t, ["/bin/true", "alpha", "beta gamma"]),
              "true exec: %r" % t)
        check(t["ret"] == 0 and t["ppid"] == drv and t["comm"] == "true", "true exec: %r" % t)
        check(t["uid"] == pids["uid"] and t["args_truncated"] is False, "true exec: %r" % t)
    tx = one("exit", pids["true"], "exit of /bin/true")
    if tx:
        check(tx.get("exit_code") == 0 and tx["comm"] == "true" and tx["ppid"] == drv,
              "true exit: %r" % tx)
    m = one("exec", pids["many"], "exec with 22 arguments")
    if m:
        check(argv_ok(m, ["/bin/true"] + ["a%d" % i for i in range(1, 16)]),
              "16 arguments captured: %r" % m["argv"])
        check(m["args_truncated"] is True or (no_regs and m["argv"] == []),
              "truncation flagged: %r" % m)

if fails:
    print("FAIL %s: %s" % (name, "; ".join(fails[:6])))
else:
    print("PASS %s (%d events)" % (name, len(events)))
