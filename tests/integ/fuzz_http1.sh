#!/bin/sh
# The HTTP/1 parser's libFuzzer target (tests/fuzz/fuzz_http1.c) for a
# bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds are conversations
# in the target's record format (see fuzz_http1.c), made here. Builds
# nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_http1; a
# missing target is a failure. Crash inputs are kept in build/fuzz/ to
# reproduce with build/fuzz/fuzz_http1 build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
# rec FILE DIR GAP TEXT: one record (DIR q|r, GAP a gap index, TEXT with
# printf escapes, at most 119 bytes once expanded)
rec() {
	printf '%b' "$4" > "$T_TMP/rec"
	len=$(wc -c < "$T_TMP/rec")
	[ "$2" = r ] && len=$((len + 128))
	printf "\\$(printf %o "$len")\\$(printf %o "$3")" >> "$1"
	cat "$T_TMP/rec" >> "$1"
}
for opt in 0 1 2; do
	f="$c/keepalive$opt"
	printf "\\$(printf %o $opt)" > "$f"
	rec "$f" q 0 'GET /a?x=1 HTTP/1.1\r\nHost: h\r\nUser-Agent: ua\r\n\r\n'
	rec "$f" r 0 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
	rec "$f" q 0 'POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;e\r\nabc\r\n0\r\nT: 1\r\n\r\n'
	rec "$f" r 0 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
done
f="$c/gaps"
printf '\000' > "$f"
rec "$f" q 0 'PUT /big HTTP/1.1\r\nContent-Length: 2097152\r\n\r\n'
rec "$f" q 16 ''
rec "$f" r 0 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nxx'
rec "$f" r 13 'y'
rec "$f" r 0 '0\r\n\r\n'
rec "$f" q 14 'GET /cut HTTP/1.1\r\nHost: exa'
rec "$f" r 0 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'
f="$c/pipeline"
printf '\001' > "$f"
rec "$f" q 0 'GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n'
rec "$f" r 0 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'
rec "$f" r 0 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'
rec "$f" q 0 'CONNECT h:443 HTTP/1.1\r\n\r\n'
rec "$f" r 0 'HTTP/1.1 200 OK\r\n\r\n\026\003\001'
f="$c/close"
printf '\000' > "$f"
rec "$f" q 0 'GET /old HTTP/1.0\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n'
rec "$f" r 0 'HTTP/1.0 200 OK\r\n\r\nbody until the close'
printf '\170\000\171\000' >> "$f"
f="$c/tls"
printf '\000' > "$f"
rec "$f" q 0 '\026\003\001\002\000\001\000\001\374\003\003'
rec "$f" r 0 '\026\003\003\000\132\002'
run_fuzzer fuzz_http1 "$RAWTEL_TOP/build/fuzz/fuzz_http1" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=4096 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_http1.dict"
