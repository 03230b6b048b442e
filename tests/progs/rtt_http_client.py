#!/usr/bin/env python3
"""HTTP/1.1 requests curl will not make, for tests/integ/run_http.sh.

  rtt_http_client.py pipeline PORT PATH...   every request in one write,
                                             then every response read
  rtt_http_client.py split PORT PATH         one request, one byte per write

Prints one JSON line: {"pid": ..., "statuses": [...]}; exits 1 when a
response is missing. Bounded: a 10 s timeout on every socket call.
"""
import json
import os
import socket
import sys
import time


def request(path, host):
    return ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: rtt-http-client\r\n\r\n" % (path, host)).encode()


def read_responses(s, n):
    """Read n responses framed by Content-Length (what nginx sends for files)."""
    buf, statuses = b"", []
    while len(statuses) < n:
        head_end = buf.find(b"\r\n\r\n")
        if head_end < 0:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
            continue
        head = buf[:head_end].decode("latin-1").split("\r\n")
        length = 0
        for line in head[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        while len(buf) < head_end + 4 + length:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        statuses.append(int(head[0].split()[1]))
        buf = buf[head_end + 4 + length:]
    return statuses


def main():
    mode, port, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    host = "127.0.0.1:%d" % port
    s = socket.create_connection(("127.0.0.1", port), 10)
    s.settimeout(10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if mode == "pipeline":
        s.sendall(b"".join(request(p, host) for p in paths))
    elif mode == "split":
        for b in request(paths[0], host):
            s.sendall(bytes([b]))
            time.sleep(0.002)
    else:
        sys.exit("unknown mode " + mode)
    statuses = read_responses(s, len(paths))
    s.close()
    print(json.dumps({"pid": os.getpid(), "statuses": statuses}))
    sys.exit(0 if len(statuses) == len(paths) else 1)


if __name__ == "__main__":
    main()
