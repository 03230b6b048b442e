#!/usr/bin/env python3
"""The cheapest OTLP/HTTP receiver for scripts/bench-http: reads each
request body and answers 200 with an empty body, which is a valid empty
Export*ServiceResponse in protobuf. Keeps a count of requests and body
bytes in FILE (written at exit).

  otlp_sink.py PORT_FILE COUNT_FILE
"""
import http.server
import signal
import sys

stats = {"requests": 0, "bytes": 0}


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        while n > 0:
            got = self.rfile.read(min(n, 1 << 20))
            if not got:
                break
            n -= len(got)
            stats["bytes"] += len(got)
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
            f.write("%d %d\n" % (stats["requests"], stats["bytes"]))
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % srv.server_address[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
