# The client of tests/integ/run_peer_short.sh: N requests to each of node's
# http and https servers, each on a connection of its own, closed as soon
# as the response ends (Connection: close). Prints JSON: [path, the
# connection's local port] per request, the port the server's span must
# give as client.port (or say peer_unknown), never another.
#   python3 peer_short.py HTTP_PORT HTTPS_PORT N
import json, socket, ssl, sys

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = []
for scheme, port in (("http", int(sys.argv[1])), ("https", int(sys.argv[2]))):
    for i in range(int(sys.argv[3])):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        local = s.getsockname()[1]
        if scheme == "https":
            s = ctx.wrap_socket(s, server_hostname="localhost")
        path = "/%s/%d" % (scheme, i)
        s.sendall(b"GET %s HTTP/1.1\r\nHost: peer.test\r\nConnection: close\r\n\r\n" % path.encode())
        got = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        s.close()
        if not got.startswith(b"HTTP/1.1 200"):
            sys.exit("%s: %r" % (path, got[:80]))
        out.append([path, local])
print(json.dumps(out))
