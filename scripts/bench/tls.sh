# The TLS rows of scripts/bench-http (sourced after its HTTP/1 rows; needs
# $tmp, $rounds, $secs, $conns, $RAWTEL, $endpoint, $sel, lib.sh and
# bench-http's proc_use, wrk_requests, p99_us): nginx serving HTTPS
# (HE_TLS=1 http_env_start: Debian's libssl, the plaintext from uprobes
# on SSL_read/SSL_write) under wrk over https, untraced, under `rawtel
# trace http --null` (empty programs on the same syscall tracepoints and
# TLS uprobes: the floor) and under `rawtel run --probes http` exporting,
# rounds interleaved, medians; ratios against the untraced runs. Then
# nginx's own CPU per request in each row: floor - none is what the
# uprobes and tracepoints cost by themselves, rawtel - floor what rawtel's
# programs add to one request's SSL_read/SSL_write pair and its syscalls.
bench_tls() {
	command -v openssl > /dev/null || { echo "TLS: skipped (openssl missing)"; return 0; }
	pl_ng=$NG_PID pl_py=$PY_PID pl_port=$NG_PORT
	NG_PID="" PY_PID=""
	HE_TLS=1
	if ! http_env_start "$tmp/tlsenv"; then
		HE_TLS=0
		echo "TLS: skipped (nginx over TLS did not start)"
		NG_PID=$pl_ng PY_PID=$pl_py NG_PORT=$pl_port; return 0
	fi
	HE_TLS=0
	echo "$NG_PID" >> "$tmp/pids"; echo "$PY_PID" >> "$tmp/pids"
	tls_url="https://127.0.0.1:$NG_PORT/static/hello.txt"
	tsel="--pid $NG_PID"; [ "$sel" = all ] && tsel=""
	bench_rounds tls "14 15" "$tsel" tls_load --endpoint "$endpoint" --no-spool
	echo "TLS: nginx over TLS ($(openssl version | cut -d' ' -f1-2)), wrk -t2 -c$conns -d${secs}s --latency $tls_url;" \
		"$rounds interleaved rounds, medians"
	base=$(median < "$tmp/tls.none.rps"); bp=$(median < "$tmp/tls.none.p99")
	for k in none floor rawtel; do
		echo "$(median < "$tmp/tls.$k.rps") $(median < "$tmp/tls.$k.p99") $(median < "$tmp/tls.$k.ng")" |
			awk -v k=$k -v b="$base" -v bp="$bp" '{ printf "  %-9s %9.0f req/s (%.3fx)   p99 %8.0f us (%.3fx)   nginx CPU %6.0f ns/req\n",
				k, $1, $1 / b, $2, $2 / bp, $3 }'
	done
	echo "$(median < "$tmp/tls.none.ng") $(median < "$tmp/tls.floor.ng") $(median < "$tmp/tls.rawtel.ng")" |
		awk '{ printf "  per request (one SSL_read/SSL_write pair and its syscalls): floor +%.0f ns, rawtel +%.0f ns over the floor\n", $2 - $1, $3 - $2 }'
	median < "$tmp/tls.cpu" | awk '{ printf "  rawtel CPU %.2f us per request; at exit, each run:\n", $1 }'
	sed 's/^/    /' "$tmp/tls.summaries"
	http_env_stop
	NG_PID=$pl_ng PY_PID=$pl_py NG_PORT=$pl_port
}

# tls_load CASE: wrk's requests per second, p99 and nginx's user + system
# CPU per request (ns) into $tmp/tls.CASE.*, its requests in bench_n
tls_load() {
	n0=$(proc_use "$NG_PID")
	wrk -t2 -c"$conns" -d"${secs}s" --latency "$tls_url" > "$tmp/wrk" 2>&1
	bench_n=$(wrk_requests "$tmp/wrk")
	echo "$n0 $(proc_use "$NG_PID")" | awk -v n="$bench_n" '{ print ($5 + $6 - $1 - $2) * 1e9 / n }' \
		>> "$tmp/tls.$1.ng"
	awk '/Requests\/sec/ { print $2 }' "$tmp/wrk" >> "$tmp/tls.$1.rps"
	p99_us "$tmp/wrk" >> "$tmp/tls.$1.p99"
}
