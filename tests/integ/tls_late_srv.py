# Debian's python3 https server of tests/integ/run_tls_late.sh:
# http.server over ssl (OpenSSL's SSL_read_ex/SSL_write_ex), keep-alive,
# /missing a 404. Run with LD_LIBRARY_PATH naming a libssl copy.
#   python3 tls_late_srv.py PORT CERT KEY
import http.server
import ssl
import sys


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        code, body = (404, b"no\n") if self.path.endswith("/missing") else (200, b"hello\n")
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain(sys.argv[2], sys.argv[3])
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
