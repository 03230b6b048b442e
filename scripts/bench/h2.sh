# The HTTP/2 rows of scripts/bench-http (sourced after its HTTP/1 rows;
# needs $tmp, $rounds, $secs, $RAWTEL, $endpoint, $sel, $kinds, lib.sh and
# bench-http's bd_add, ng_add and bd_print): h2load (-c 8 -m 16, h2c)
# against nghttpd untraced, under `rawtel trace http --null` (the empty
# programs on the same hooks: the floor) and under `rawtel run --probes
# http --capture-bytes 4096` exporting (rawtel_b: the same with $RAWTEL_B),
# rounds interleaved, medians; ratios against the untraced runs, rawtel's
# user-space CPU per stream, and where a stream's time goes (each BPF
# program's run time, rawtel's user and system CPU, its wakeups, nghttpd's
# own user and system time in every row). Then a control row, "busy"
# (RAWTEL_BENCH_BUSY=0 leaves it out): nothing traced, a process burning
# the CPU rawtel and the receiver burnt in that round's rawtel row, in 5 ms
# bursts (scripts/bench/busy.py): on a machine the server and h2load fill,
# what any process taking that much CPU costs them, apart from rawtel's
# probes, copies and timing. Skipped without nghttpd and h2load.
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
	h2kinds=""
	for k in $kinds; do case $k in none | floor | rawtel | rawtel_b) h2kinds="$h2kinds $k" ;; esac; done
	# the control after rawtel's row: its CPU and the receiver's, burnt
	case " $h2kinds " in *" rawtel "*) [ "${RAWTEL_BENCH_BUSY:-1}" = 0 ] || h2kinds="$h2kinds busy" ;; esac
	busyfrac=0
	r=0
	while [ $r -lt "$rounds" ]; do
		for k in $h2kinds; do
			# shellcheck disable=SC2086
			case $k in
			floor) bench_start err "tracing" env RAWTEL_BENCH_STATS=1 "$RAWTEL" trace http --null $h2sel ;;
			rawtel*) bench_start err "running:" env RAWTEL_BENCH_STATS=1 "$(tracer_bin $k)" run --no-status \
				--probes http $h2sel --capture-bytes 4096 --ring-size 8M --endpoint "$endpoint" --no-spool ;;
			busy) bench_start out burning python3 "$top/scripts/bench/busy.py" "$busyfrac" 5 ;;
			esac
			case $k in rawtel*) u0=$(proc_use $tracer) ;; esac
			n0=$(proc_use $ngd); s0=$(proc_use $sink); m0=$(h2_idle)
			h2_load $k
			ng_add "$tmp/h2.$k.bd.$r" "$bench_n" "$n0" "$(proc_use $ngd)"
			# the receiver's CPU and the machine's idle time per stream
			echo "$s0 $(proc_use $sink) $m0 $(h2_idle)" | awk -v n="$bench_n" '{ u = ($5 + $6 - $1 - $2) * 1e9 / n
				printf "sink %.1f\nidle %.1f\n", (u > 0 ? u : 0), ($10 - $9) * 1e7 / n }' >> "$tmp/h2.$k.bd.$r"
			case $k in
			busy) echo "$busyfrac" >> "$tmp/h2.busy.frac"; bench_stop ;;
			rawtel*)
				u1=$(proc_use $tracer)
				# what rawtel and the receiver burnt per second of load
				[ $k = rawtel ] && busyfrac=$(echo "$u0 $u1 $s0 $(proc_use $sink)" |
					awk -v t="$secs" '{ print ($5 + $6 - $1 - $2 + $13 + $14 - $9 - $10) / t }')
				echo "$u0 $u1 $bench_n" | awk '{ print ($5 - $1) * 1e6 / $9 }' >> "$tmp/h2.$k.cpu"
				bench_stop
				grep -v '^rawtel: bench:' "$tmp/err" | sed -n "s/^rawtel: /$k: /p" | tail -n 1 >> "$tmp/h2.summaries"
				bd_add "$tmp/h2.$k.bd.$r" "$bench_n" "$u0" "$u1" "$tmp/err"
				;;
			floor)
				bench_stop
				bd_add "$tmp/h2.$k.bd.$r" "$bench_n" "0 0 0 0" "0 0 0 0" "$tmp/err"
				;;
			esac
		done
		r=$((r + 1))
	done
	kill $ngd 2>/dev/null
	echo "HTTP/2: nghttpd $(nghttpd --version 2>&1 | sed -n 's/.*nghttpd nghttp2\/\([^ ]*\).*/\1/p'), h2c;" \
		"h2load -D $secs -c 8 -m 16 $h2url; $rounds interleaved rounds, medians"
	base=$(median < "$tmp/h2.none.rps")
	for k in $h2kinds; do
		median < "$tmp/h2.$k.rps" | awk -v k=$k -v b="$base" '{ printf "  %-9s %9.0f streams/s (%.3fx)\n", k, $1, $1 / b }'
	done
	if [ -s "$tmp/h2.busy.frac" ]; then
		echo "  busy: a process burning what rawtel and the receiver burnt in its row ($(median < "$tmp/h2.busy.frac" |
			awk '{ printf "%.0f%%", $1 * 100 }') of a CPU, in 5 ms bursts), nothing traced:"
		echo "    what taking that CPU costs the load on this machine, apart from rawtel's probes and timing;"
		printf '    rawtel %.3fx of busy\n' "$(paste "$tmp/h2.rawtel.rps" "$tmp/h2.busy.rps" | awk '{ print $1 / $2 }' | median)"
	fi
	for k in $h2kinds; do
		[ -s "$tmp/h2.$k.cpu" ] || continue
		median < "$tmp/h2.$k.cpu" | awk -v k=$k '{ printf "  %s user CPU %.2f us per stream\n", k, $1 }'
	done
	bd_print h2 nghttpd stream str
	for k in $h2kinds; do
		printf '    %s the receiver %.0f, both CPUs idle %.0f\n' $k "$(bd_median h2 $k sink)" "$(bd_median h2 $k idle)"
	done
	echo "  at exit, each run:"
	sed 's/^/    /' "$tmp/h2.summaries"
}

# the machine's idle clock ticks so far (/proc/stat)
h2_idle() { awk '$1 == "cpu" { print $5; exit }' /proc/stat; }
# h2_load CASE: h2load's streams per second into $tmp/h2.CASE.rps, the
# streams that succeeded in bench_n
h2_load() {
	h2load -D "$secs" -c 8 -m 16 "$h2url" > "$tmp/h2load" 2>&1 || true
	sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$tmp/h2load" >> "$tmp/h2.$1.rps"
	bench_n=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$tmp/h2load")
}
