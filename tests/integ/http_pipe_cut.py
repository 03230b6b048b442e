"""A client that pipelines, in one process with its server, for trace_http.

  http_pipe_cut.py drive ROUNDS PAUSE [GO]  (starts once the file GO exists;
                                          prints "done" at the end)
  http_pipe_cut.py check FILE ROUNDS     (FILE: rawtel trace http --json)

drive: ROUNDS times, four requests (/r<round>-<k>) in one send and the
four responses (status 200 + k, ~300 bytes each) in one send, read back;
then PAUSE seconds of quiet and one last request alone (/last). With the
default capture of 512 bytes a read of the four responses is seen only in
part: where whole responses may be hidden, rawtel must not pair a later
response with the wrong request.

check: for each role, every request is exactly one span; a span with a
status has the status of its own request (200 + k, 299 for /last); /last
has its response (pairing started again after the quiet); the client's
spans of rounds after the first are all reported without a response (the
client pipelines without pause: nothing proves which response is whose).
"""
import json
import os
import socket
import sys
import threading
import time


def response(path):
    code = 299 if path == "/last" else 200 + int(path.rsplit("-", 1)[1])
    body = b"x" * 250
    return b"HTTP/1.1 %d OK\r\nContent-Length: %d\r\n\r\n%s" % (code, len(body), body)


def serve(ls):
    c, _ = ls.accept()
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            return
        buf += d
        out = b""
        while b"\r\n\r\n" in buf:
            head, buf = buf.split(b"\r\n\r\n", 1)
            out += response(head.split(b" ")[1].decode())
        if out:
            c.sendall(out)


def read_responses(s, n, buf):
    got = 0
    while got < n:
        i = buf.find(b"\r\n\r\n")
        if i >= 0:
            clen = int(buf[:i].split(b"Content-Length: ")[1].split(b"\r\n")[0])
            if len(buf) >= i + 4 + clen:
                buf = buf[i + 4 + clen:]
                got += 1
                continue
        d = s.recv(65536)
        if not d:
            raise SystemExit("server closed")
        buf += d
    return buf


def drive(rounds, pause, go):
    for _ in range(200):
        if not go or os.path.exists(go):
            break
        time.sleep(0.05)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    t = threading.Thread(target=serve, args=(ls,), daemon=True)
    t.start()
    s = socket.create_connection(ls.getsockname())
    buf = b""
    for r in range(rounds):
        s.sendall(b"".join(b"GET /r%d-%d HTTP/1.1\r\nHost: p\r\n\r\n" % (r, k)
                           for k in range(4)))
        buf = read_responses(s, 4, buf)
    time.sleep(pause)
    s.sendall(b"GET /last HTTP/1.1\r\nHost: p\r\n\r\n")
    read_responses(s, 1, buf)
    s.close()
    print("done")


def check(path, rounds):
    spans = [json.loads(l) for l in open(path) if l.startswith('{"event":"http"')]
    errors = []
    for role in ("client", "server"):
        mine = [x for x in spans if x["role"] == role]
        paths = sorted(x["path"] for x in mine if x.get("path"))
        want = sorted(["/r%d-%d" % (r, k) for r in range(rounds) for k in range(4)] + ["/last"])
        if paths != want:
            errors.append("%s: %d spans with a request, want %d (missing %s, extra %s)" % (
                role, len(paths), len(want), sorted(set(want) - set(paths))[:5],
                [p for p in paths if paths.count(p) > 1][:5]))
        for x in mine:
            p, st = x.get("path"), x.get("status", 0)
            if p and st and st != int(response(p).split(b" ")[1]):
                errors.append("%s: %s paired with status %d" % (role, p, st))
        last = [x for x in mine if x.get("path") == "/last"]
        if not last or last[0].get("status") != 299:
            errors.append("%s: /last not paired after the quiet: %s" % (role, last))
        # once one is reported without its response, so is every later
        # pipelined request (no quiet until /last)
        rs = sorted((x for x in mine if x.get("path", "").startswith("/r")),
                    key=lambda x: [int(v) for v in x["path"][2:].split("-")])
        cut = [i for i, x in enumerate(rs) if "no_response" in x["flags"]]
        if not cut:
            errors.append("%s: no read was cut (nothing tested)" % role)
        else:
            paired = [x["path"] for x in rs[cut[0]:] if "no_response" not in x["flags"]]
            if paired:
                errors.append("%s: pipelined requests paired after a cut: %s" % (
                    role, paired[:5]))
    if errors:
        print("\n".join(errors[:10]))
        sys.exit(1)
    print("ok")


if sys.argv[1] == "drive":
    drive(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
else:
    check(sys.argv[2], int(sys.argv[3]))
