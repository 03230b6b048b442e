# An asyncio HTTPS server (tests/integ/run_tls_membio.sh): asyncio's SSL
# transport runs ssl.SSLObject over ssl.MemoryBIO, so OpenSSL writes the
# ciphertext into memory and the event loop sends it after the call.
#   python3 tls_membio.py PORT CERT KEY
import asyncio
import ssl
import sys


async def handle(r, w):
    while True:
        line = await r.readline()
        if not line:
            break
        path = line.split()[1]
        while (await r.readline()) not in (b"\r\n", b""):
            pass
        st, body = (b"404 Not Found", b"no\n") if path.endswith(b"/missing") else (b"200 OK", b"hello\n")
        w.write(b"HTTP/1.1 " + st + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await w.drain()
    w.close()


async def main():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(sys.argv[2], sys.argv[3])
    s = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), ssl=c)
    async with s:
        await s.serve_forever()

asyncio.run(main())
