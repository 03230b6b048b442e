#!/bin/sh
# The netlink sock_diag reply parser's libFuzzer target
# (tests/fuzz/fuzz_sockdiag.c) for a bounded time: RAWTEL_FUZZ_SECONDS,
# default 30. Seeds: replies of the shapes the kernel sends (an IPv4
# listener, an IPv6 connection, connections with the ULP attribute of
# kernel TLS or another ULP, the dump's end, an error), in the target's
# input format (byte 0 the table's limit). Builds nothing: `make check` (or
# `make fuzz`) builds build/fuzz/fuzz_sockdiag; a missing target is a
# failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
python3 - "$c" <<'PY'
import struct, sys
def attr(t, v):
    return struct.pack("<HH", 4 + len(v), t) + v + bytes(-len(v) % 4)
def ulp(name, tx, rx):  # INET_DIAG_ULP_INFO: name, then TLS's version, cipher, TXCONF, RXCONF
    tls = b"".join(attr(t, struct.pack("<H", v)) for t, v in ((1, 0x303), (2, 51), (3, tx), (4, rx)))
    return attr(2, bytes(24)) + attr(19, attr(1, name) + attr(2, tls))
def msg(fam, st, lp, rp, la, ra, ino, attrs=b""):
    body = bytes([fam, st, 0, 0]) + struct.pack(">HH", lp, rp) + la.ljust(16, b"\0") \
        + ra.ljust(16, b"\0") + struct.pack("<III", 0, 0, 0) + struct.pack("<IIIII", 0, 0, 0, 0, ino)
    return struct.pack("<IHHII", 16 + len(body + attrs), 20, 2, 1, 0) + body + attrs
done = struct.pack("<IHHIIi", 20, 3, 2, 1, 0, 0)
err = struct.pack("<IHHIIi", 20, 2, 0, 1, 0, -13)
lo4, lo6 = bytes([127, 0, 0, 1]), bytes(15) + b"\1"
seeds = {
    "v4": b"\x40" + msg(2, 10, 8080, 0, lo4, bytes(4), 1234) + done,
    "v6": b"\x40" + msg(10, 1, 50000, 443, lo6, lo6, 99) + msg(2, 1, 1, 2, lo4, lo4, 7),
    "max1": b"\x01" + msg(2, 1, 1, 2, lo4, lo4, 7) + msg(10, 10, 3, 0, lo6, bytes(16), 8) + done,
    "err": b"\x10" + err,
    "ktls": b"\x40" + msg(2, 1, 443, 5000, lo4, lo4, 5, ulp(b"tls\0", 2, 1))
        + msg(10, 1, 443, 5001, lo6, lo6, 6, ulp(b"tls\0", 3, 2))
        + msg(2, 1, 80, 5002, lo4, lo4, 7, ulp(b"mptcp\0", 2, 2)) + done,
}
for k, v in seeds.items():
    open(f"{sys.argv[1]}/{k}", "wb").write(v)
PY
run_fuzzer fuzz_sockdiag "$RAWTEL_TOP/build/fuzz/fuzz_sockdiag" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=4096
