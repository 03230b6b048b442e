#!/bin/sh
# A TLS library rawtel finds but cannot probe is left out, and nothing
# else is: python3's https server (tests/integ/tls_late_srv.py, Debian's
# libssl) that has also loaded a test-made libssl.so.3 whose
# SSL_do_handshake starts with an instruction the kernel refuses to
# uprobe (x86-64 hlt, arm64 brk: the attach fails with ENOTSUPP/EINVAL,
# not ENOENT), after its SSL_read and SSL_write attached fine. rawtel run
# --pid on the server must keep running with one line naming that file,
# count it in rawtel.tls.libraries{result=failed} (its earlier functions'
# probes taken off: none of it counts as attached) and still make exact
# https SERVER spans of two curl requests through the real libssl.
. "$RAWTEL_TOP/tests/lib.sh"
. "$RAWTEL_TOP/tests/http_env.sh"
PY=/usr/bin/python3
N=run_tls_leftout

need_cmds $N cc curl || exit 0
case $(uname -m) in
x86_64) bad=".byte 0xf4" ;;
aarch64) bad=".inst 0xd4200000" ;;
*) skip $N "no instruction known that the kernel refuses to uprobe on $(uname -m)"; exit 0 ;;
esac
D=$T_TMP/d
tls_test_prep $N "$D" || exit 0
mkdir -p "$T_TMP/fake"
fake=$T_TMP/fake/libssl.so.3
cat > "$T_TMP/fake.c" <<CEOF
int SSL_read(void) { return 0; }
int SSL_write(void) { return 0; }
__asm__(".text\n.globl SSL_do_handshake\n.type SSL_do_handshake,%function\n"
	"SSL_do_handshake:\n$bad\n.size SSL_do_handshake,.-SSL_do_handshake\n");
CEOF
if ! cc -shared -fPIC -o "$fake" "$T_TMP/fake.c" 2> "$T_TMP/cc.err"; then
	fail $N "cc: $(cat "$T_TMP/cc.err")"; exit 0
fi
P=$(http_free_port)
# the real libssl first (import ssl), then the fake one, local to its
# handle: python's own calls never reach it
$PY -c 'import ssl, ctypes, runpy, sys
ctypes.CDLL(sys.argv[1])
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")' "$fake" \
	"$RAWTEL_TOP/tests/integ/tls_late_srv.py" $P "$D/cert.pem" "$D/key.pem" > "$T_TMP/srv.out" 2>&1 &
srv=$!; track_pid $srv
if ! http_wait_port $P || ! grep -q "$fake" /proc/$srv/maps; then
	fail $N "the server did not start with the fake libssl: $(cat "$T_TMP/srv.out")"; exit 0
fi

"$RAWTEL" run --no-status --probes http --pid $srv --output "$T_TMP/out" --no-spool \
	> "$T_TMP/run.out" 2> "$T_TMP/run.err" &
rt=$!; track_pid $rt
if ! wait_for "$T_TMP/run.err" "running:" 300; then fail $N "rawtel run did not start: $(cat "$T_TMP/run.err")"; exit 0; fi
curl -sk --max-time 10 -w '%{local_port}\n' -o /dev/null -o /dev/null \
	"https://127.0.0.1:$P/hello" "https://127.0.0.1:$P/missing" > "$T_TMP/ports"
sleep 0.5
kill -INT $rt; wait $rt; rc=$?
if [ $rc -ne 0 ]; then fail $N "rawtel run exited $rc: $(tail -n 5 "$T_TMP/run.err")"; exit 0; fi
lines=$(grep -c "TLS library not probed" "$T_TMP/run.err")
if [ "$lines" != 1 ] || ! grep -q "TLS library not probed: SSL_do_handshake: .*$fake" "$T_TMP/run.err"; then
	fail $N "want one line naming $fake's SSL_do_handshake: $(cat "$T_TMP/run.err")"; exit 0
fi
cat > "$T_TMP/scenario.json" <<SCEOF
{"pid": $srv, "local": [$(paste -sd, "$T_TMP/ports")]}
SCEOF
node "$RAWTEL_TOP/tests/integ/tls_leftout_check.js" $N "$T_TMP/out" "$T_TMP/scenario.json"
