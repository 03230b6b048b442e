#!/usr/bin/python3
"""An h2c server by prior knowledge (python3-h2), single-threaded, for
tests/integ/run_h2.sh: each request is answered 200 after an HTTP/1.1 GET
of BACKEND made on the serving thread (so that rawtel makes that call the
child of the HTTP/2 request). Serves connections until killed; one that
fails (the test's port probe connects and closes without a preface, often
with our SETTINGS unread: a reset) ends that connection, not the server.
    h2_proxy.py PORT BACKEND_URL"""
import socket
import sys
import urllib.request

import h2.config
import h2.connection
import h2.events
import h2.exceptions


def serve(s, backend):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    s.sendall(conn.data_to_send())
    while True:
        data = s.recv(65536)
        if not data:
            return
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                body = urllib.request.urlopen(backend, timeout=5).read()
                conn.send_headers(ev.stream_id, [(":status", "200"),
                                                 ("content-length", str(len(body)))])
                conn.send_data(ev.stream_id, body, end_stream=True)
        s.sendall(conn.data_to_send())


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(8)
    while True:
        s, _ = srv.accept()
        try:
            serve(s, sys.argv[2])
        except (OSError, h2.exceptions.ProtocolError) as e:
            print("connection ended:", e, flush=True)
        finally:
            s.close()


main()
