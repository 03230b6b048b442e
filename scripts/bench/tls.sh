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
	r=0
	while [ $r -lt "$rounds" ]; do
		for k in none floor rawtel; do
			case $k in
			# shellcheck disable=SC2086
			floor) bench_start err "tracing" "$RAWTEL" trace http --null $tsel ;;
			# shellcheck disable=SC2086
			rawtel) bench_start err "running:" "$RAWTEL" run --no-status --probes http $tsel \
				--endpoint "$endpoint" --no-spool ;;
			esac
			[ $k = rawtel ] && u0=$(awk '{ print $14 + $15 }' "/proc/$tracer/stat")
			n0=$(proc_use "$NG_PID")
			wrk -t2 -c"$conns" -d"${secs}s" --latency "$tls_url" > "$tmp/wrk" 2>&1
			nreq=$(wrk_requests "$tmp/wrk")
			# nginx's user + system CPU per request, ns
			echo "$n0 $(proc_use "$NG_PID")" | awk -v n="$nreq" '{ print ($5 + $6 - $1 - $2) * 1e9 / n }' \
				>> "$tmp/tls.$k.ng"
			awk '/Requests\/sec/ { print $2 }' "$tmp/wrk" >> "$tmp/tls.$k.rps"
			p99_us "$tmp/wrk" >> "$tmp/tls.$k.p99"
			if [ $k = rawtel ]; then
				u1=$(awk '{ print $14 + $15 }' "/proc/$tracer/stat")
				# rawtel's CPU (clock ticks of 10 ms) per request, in us
				echo "$u0 $u1 $nreq" | awk '{ print ($2 - $1) * 10000 / ($3 ? $3 : 1) }' >> "$tmp/tls.cpu"
				bench_stop
				sed -n 's/^rawtel: //p' "$tmp/err" | tail -n 1 >> "$tmp/tls.summaries"
			elif [ $k != none ]; then
				bench_stop
			fi
		done
		r=$((r + 1))
	done
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
