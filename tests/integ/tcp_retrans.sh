#!/bin/sh
# Retransmissions provoked between two network namespaces the test creates
# (a veth pair; this kernel has no netem): nftables drops a share of the
# packets B receives while A sends B a bulk transfer. rawtel trace retrans
# must see what the kernel counts in TcpRetransSegs (/proc/net/snmp, read
# inside each namespace). The namespaces, the rule and every process are
# removed at the end, on failure too. Needs ip and ss (iproute2) and nft
# (nftables): scripts/install-deps test.
. "$RAWTEL_TOP/tests/lib.sh"
TCP="$RAWTEL_PROGS/rtt_tcp"
CHECK="$RAWTEL_TOP/tests/integ/check_tcp.py"
PORT=5001 BYTES=6000000 DROP_PCT=3

require_bpf tcp_retrans || exit 0
for tool in ip nft ss; do
	if ! command -v $tool > /dev/null; then
		fail tcp_retrans "$tool is missing: scripts/install-deps test installs iproute2 and nftables"
		exit 0
	fi
done

NA=rawtel-rtA-$$ NB=rawtel-rtB-$$ VA=rtA$$ VB=rtB$$
NET=10.251.$(($$ % 200 + 20))
A=$NET.1 B=$NET.2
ns_cleanup() {
	t_cleanup
	ip netns del $NA 2>/dev/null
	ip netns del $NB 2>/dev/null
}
trap ns_cleanup EXIT
trap 'ns_cleanup; trap - EXIT; exit 1' INT TERM

setup() {
	ip netns add $NA && ip netns add $NB &&
	ip link add $VA type veth peer name $VB &&
	ip link set $VA netns $NA && ip link set $VB netns $NB &&
	ip -n $NA addr add $A/24 dev $VA && ip -n $NB addr add $B/24 dev $VB &&
	ip -n $NA link set lo up && ip -n $NB link set lo up &&
	ip -n $NA link set $VA up && ip -n $NB link set $VB up &&
	# one retransmission event is one segment, as TcpRetransSegs counts
	# them: TCP sends GSO packets whatever the device offloads (6.x), and
	# retransmits up to the device's gso_max_segs segments at once; 1
	# makes every retransmission a single segment
	ip -n $NA link set dev $VA gso_max_segs 1 && ip -n $NB link set dev $VB gso_max_segs 1 &&
	ip netns exec $NB nft -f - <<NFT
table inet rawtel_test {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $PORT numgen random mod 100 < $DROP_PCT counter drop
	}
}
NFT
}

retrans_segs() {
	ip netns exec "$1" cat /proc/net/snmp | awk '/^Tcp:/ {
		if (!n) { for (i = 1; i <= NF; i++) if ($i == "RetransSegs") col = i; n = 1 }
		else print $col }'
}

if ! setup > "$T_TMP/setup.err" 2>&1; then
	fail tcp_retrans "cannot set up the namespaces: $(cat "$T_TMP/setup.err")"
	exit 0
fi

# transfer NAME: the bulk transfer A -> B while rawtel runs (started by the
# caller as $rt); sets $delta to what the kernel counted in both namespaces
transfer() {
	ip netns exec $NB "$TCP" sink $B $PORT > "$T_TMP/$1.sink" &
	sk=$!; track_pid $sk
	i=0
	while ! ip netns exec $NB ss -Htln "sport = :$PORT" | grep -q LISTEN && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	a0=$(retrans_segs $NA) b0=$(retrans_segs $NB)
	if ! ip netns exec $NA timeout 120 "$TCP" bulk $B $PORT $BYTES > "$T_TMP/$1.bulk"; then
		fail $1 "the transfer failed"; return 1
	fi
	wait $sk
	# until both ends are closed: a FIN may still be retransmitted
	i=0
	while [ -n "$(ip netns exec $NA ss -Htan state all exclude time-wait exclude listening)$(ip netns exec $NB ss -Htan state all exclude time-wait exclude listening)" ] &&
	      [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	a1=$(retrans_segs $NA) b1=$(retrans_segs $NB)
	delta=$((a1 - a0 + b1 - b0))
	if ! grep -q "\"received\":$BYTES}" "$T_TMP/$1.sink"; then
		fail $1 "the sink did not get every byte: $(cat "$T_TMP/$1.sink")"; return 1
	fi
	sleep 0.3
	return 0
}

for buf in ring perf; do
	name=tcp_retrans_$buf
	[ $buf = perf ] && set -- --perf-buffer || set --
	"$RAWTEL" trace retrans --json "$@" > "$T_TMP/$name.jsonl" 2> "$T_TMP/$name.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/$name.err" "tracing" 200; then
		fail $name "rawtel did not start: $(cat "$T_TMP/$name.err")"; continue
	fi
	transfer $name; ok=$?
	kill -INT $rt; wait $rt; rc=$?
	[ $ok = 0 ] || continue
	# what the kernel skipped is counted (check_tcp.py retrans)
	lost=$(sed -n 's/.* \([0-9]*\) lost in the kernel.*/\1/p' "$T_TMP/$name.err")
	if [ $rc -ne 0 ] || [ -z "$lost" ]; then
		fail $name "rawtel exited $rc or gave no count of events lost: $(cat "$T_TMP/$name.err")"; continue
	fi
	python3 "$CHECK" retrans $name "$T_TMP/$name.jsonl" $A $B $PORT $delta $lost
done

# rawtel run: the tcp.retransmissions counter, decoded by the OpenTelemetry
# project's code, against the same kernel counters
NODE_DIR="$RAWTEL_TOP/tests/node"
if ! command -v node > /dev/null || [ ! -d "$NODE_DIR/node_modules/@opentelemetry" ]; then
	fail tcp_retrans_metric "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"
else
	otlp_receiver "$T_TMP/" 180000 "$T_TMP/rlog"
	"$RAWTEL" run --no-status --endpoint "http://127.0.0.1:$rport" --no-spool \
		--probes retrans > "$T_TMP/run.out" 2> "$T_TMP/run.err" &
	rt=$!; track_pid $rt
	if ! wait_for "$T_TMP/run.err" "running:" 200; then
		fail tcp_retrans_metric "rawtel run did not start: $(cat "$T_TMP/run.err")"
	elif transfer tcp_retrans_metric; then
		kill -TERM $rt; wait $rt
		lost=$(sed -n 's/.* \([0-9]*\) lost in the kernel.*/\1/p' "$T_TMP/run.err")
		node "$NODE_DIR/check-run-tcp.js" tcp_retrans_metric "$T_TMP/bodies" retrans $A $B $PORT $delta \
			"${lost:-0}"
	fi
fi
ip netns exec $NB nft list table inet rawtel_test | sed -n 's/.*counter packets \([0-9]*\).*/# packets dropped by the rule: \1/p'
