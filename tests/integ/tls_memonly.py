# TLS over memory BIOs and no socket at all (ssl.SSLObject on
# ssl.MemoryBIO, both ends in this process): two HTTP exchanges whose
# plaintext rawtel reads from SSL_read_ex/SSL_write_ex but can tie to no
# connection (tests/integ/run_tls_membio.sh).
#   python3 tls_memonly.py CERT KEY
import ssl
import sys

sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sc.load_cert_chain(sys.argv[1], sys.argv[2])
cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cc.check_hostname = False
cc.verify_mode = ssl.CERT_NONE
ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
c = cc.wrap_bio(ci, co, server_side=False, server_hostname="mem.test")
s = sc.wrap_bio(si, so, server_side=True)


def pump():
    for src, dst in ((co, si), (so, ci)):
        d = src.read()
        if d:
            dst.write(d)


def step(f):
    try:
        f()
        return True
    except ssl.SSLWantReadError:
        return False


done = [False, False]
for _ in range(20):
    done = [done[0] or step(c.do_handshake), done[1] or step(s.do_handshake)]
    pump()
    if all(done):
        break
else:
    sys.exit("handshake did not end")


def read(o):
    out = b""
    for _ in range(20):
        try:
            out += o.read(4096)
            return out
        except ssl.SSLWantReadError:
            pump()
    sys.exit("nothing to read")


for path, status in (("/mem", b"200 OK"), ("/mem/missing", b"404 Not Found")):
    c.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: mem.test\r\n\r\n")
    pump()
    read(s)
    s.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 3\r\n\r\nok\n")
    pump()
    read(c)
print("ok")
