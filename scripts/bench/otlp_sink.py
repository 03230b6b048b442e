#!/usr/bin/env python3
"""The cheapest OTLP/HTTP receiver for scripts/bench-http: reads each
request body and answers 200 with an empty body, which is a valid empty
Export*ServiceResponse in protobuf. Keeps a count of requests and body
bytes in FILE (written at exit); with "spans", the spans in the protobuf
trace requests too (scripts/soak: delivered + dropped = exported).

  otlp_sink.py PORT_FILE COUNT_FILE [spans]
"""
import http.server
import signal
import sys

stats = {"requests": 0, "bytes": 0, "spans": 0}
count_spans = sys.argv[3:4] == ["spans"]


def pb_fields(b, lo, hi):
    """(field number, start, end) of the length-delimited fields in b[lo:hi]"""
    while lo < hi:
        key = shift = 0
        while True:
            c = b[lo]; lo += 1; key |= (c & 0x7f) << shift; shift += 7
            if c < 0x80:
                break
        wt = key & 7
        if wt == 0:
            while b[lo] >= 0x80:
                lo += 1
            lo += 1
        elif wt == 1 or wt == 5:
            lo += 8 if wt == 1 else 4
        elif wt == 2:
            n = shift = 0
            while True:
                c = b[lo]; lo += 1; n |= (c & 0x7f) << shift; shift += 7
                if c < 0x80:
                    break
            yield key >> 3, lo, lo + n
            lo += n
        else:
            raise ValueError("wire type %d" % wt)


def spans_in(b):
    """ExportTraceServiceRequest: resource_spans(1) > scope_spans(2) > spans(2)"""
    n = 0
    for f, lo, hi in pb_fields(b, 0, len(b)):
        for g, lo2, hi2 in pb_fields(b, lo, hi) if f == 1 else ():
            for h, _, _ in pb_fields(b, lo2, hi2) if g == 2 else ():
                n += h == 2
    return n


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = []
        while n > 0:
            got = self.rfile.read(min(n, 1 << 20))
            if not got:
                break
            n -= len(got)
            stats["bytes"] += len(got)
            if count_spans:
                body.append(got)
        if count_spans and self.path.endswith("/v1/traces"):
            stats["spans"] += spans_in(b"".join(body))
        stats["requests"] += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)

    def stop(*_):
        with open(sys.argv[2], "w") as f:
            f.write("%d %d %d\n" % (stats["requests"], stats["bytes"], stats["spans"]))
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % srv.server_address[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
