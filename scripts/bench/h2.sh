# The HTTP/2 rows of scripts/bench-http (sourced after its HTTP/1 rows;
# needs $tmp, $rounds, $secs, $RAWTEL, $endpoint, $sel and lib.sh): h2load
# (-c 8 -m 16, h2c) against nghttpd untraced, under `rawtel trace http
# --null` (the empty programs on the same hooks: the floor) and under
# `rawtel run --probes http --capture-bytes 4096` exporting, rounds
# interleaved, medians; ratios against the untraced runs, and rawtel's
# user-space CPU per stream. Skipped without nghttpd and h2load.
bench_h2() {
	if ! command -v nghttpd > /dev/null || ! command -v h2load > /dev/null; then
		echo "HTTP/2: skipped (nghttpd, h2load: nghttp2-server, nghttp2-client)"
		return 0
	fi
	mkdir -p "$tmp/h2www"
	echo "hello h2" > "$tmp/h2www/hello.txt"
	h2port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	nghttpd --no-tls -d "$tmp/h2www" "$h2port" > /dev/null 2>&1 &
	ngd=$!; echo $ngd >> "$tmp/pids"
	h2url="http://127.0.0.1:$h2port/hello.txt"
	i=0
	while ! h2load -n 1 "$h2url" > /dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	h2sel="--pid $ngd"; [ "$sel" = all ] && h2sel=""
	bench_rounds h2 14 "$h2sel" h2_load --capture-bytes 4096 --ring-size 8M --endpoint "$endpoint" --no-spool
	kill $ngd 2>/dev/null
	echo "HTTP/2: nghttpd $(nghttpd --version 2>&1 | sed -n 's/.*nghttpd nghttp2\/\([^ ]*\).*/\1/p'), h2c;" \
		"h2load -D $secs -c 8 -m 16 $h2url; $rounds interleaved rounds, medians"
	base=$(median < "$tmp/h2.none.rps")
	for k in none floor rawtel; do
		median < "$tmp/h2.$k.rps" | awk -v k=$k -v b="$base" '{ printf "  %-9s %9.0f streams/s (%.3fx)\n", k, $1, $1 / b }'
	done
	median < "$tmp/h2.cpu" | awk '{ printf "  rawtel user CPU %.2f us per stream; at exit, each run:\n", $1 }'
	sed 's/^/    /' "$tmp/h2.summaries"
}

# h2_load CASE: h2load's streams per second into $tmp/h2.CASE.rps, the
# streams that succeeded in bench_n
h2_load() {
	h2load -D "$secs" -c 8 -m 16 "$h2url" > "$tmp/h2load" 2>&1 || true
	sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$tmp/h2load" >> "$tmp/h2.$1.rps"
	bench_n=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$tmp/h2load")
}
