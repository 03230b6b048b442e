#!/bin/sh
# rawtel run --prometheus scraped by Debian's prometheus on loopback: a
# python http.server serves curl's requests, prometheus (storage and config
# in the test's directory, 1 s scrape interval) scrapes rawtel, and its
# query API returns histogram_quantile(0.9, ...) over
# http_server_request_duration_seconds: a number between 0 and 10 s.
# promtool check metrics finds nothing to say of the scraped text, and the
# endpoint answers 404/405 in one line. OpenMetrics when Accept asks for
# it (the Python client library's parser reads it, where installed), a
# scrape answered while another client sits idle on its connection. Without prometheus, promtool alone
# (if present) checks the text; without either, SKIP.
. "$RAWTEL_TOP/tests/lib.sh"
require_bpf deploy_prom || exit 0
if ! command -v promtool > /dev/null; then
	skip deploy_prom "no promtool here (scripts/install-deps test installs prometheus)"
	exit 0
fi
rp=19464 hp=18466 pp=19490
"$RAWTEL" run --prometheus $rp --probes http --no-status > "$T_TMP/rawtel.err" 2>&1 &
track_pid $!
if ! wait_for "$T_TMP/rawtel.err" "running:" 300; then
	fail deploy_prom "rawtel did not start: $(tail -n 3 "$T_TMP/rawtel.err")"
	exit 0
fi
(cd "$T_TMP" && exec python3 -m http.server $hp --bind 127.0.0.1 > /dev/null 2>&1) &
track_pid $!
i=0
while [ $i -lt 50 ] && ! curl -s -o /dev/null http://127.0.0.1:$hp/; do sleep 0.1; i=$((i + 1)); done
for i in $(seq 1 40); do curl -s -o /dev/null http://127.0.0.1:$hp/; done
st=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$rp/x)
st="$st $(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:$rp/metrics)"
[ "$st" = "404 405" ] && pass deploy_prom_errors || fail deploy_prom_errors "answers '$st', not '404 405'"
curl -s http://127.0.0.1:$rp/metrics > "$T_TMP/m.txt"
if grep -q '^http_server_request_duration_seconds_bucket{.*job="python3.*le="+Inf"} [1-9]' "$T_TMP/m.txt" &&
   promtool check metrics < "$T_TMP/m.txt" > "$T_TMP/lint" 2>&1 && [ ! -s "$T_TMP/lint" ]; then
	pass deploy_prom_promtool
else
	fail deploy_prom_promtool "$(head -c 600 "$T_TMP/lint") $(grep -c . "$T_TMP/m.txt") lines"
fi
# OpenMetrics when the Accept header asks (as Prometheus's own does), read
# by the Python client library's strict parser where it is installed;
# target_info in both formats
acc='application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5'
curl -s -D "$T_TMP/om.hdr" -H "Accept: $acc" http://127.0.0.1:$rp/metrics > "$T_TMP/om.txt"
om=$(tail -n 1 "$T_TMP/om.txt")
if grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$T_TMP/om.hdr" &&
   [ "$om" = "# EOF" ] && grep -q '^# TYPE http_server_request_duration_seconds histogram$' "$T_TMP/om.txt" &&
   grep -q '^target_info{job="' "$T_TMP/om.txt" && grep -q '^target_info{job="' "$T_TMP/m.txt"; then
	if /usr/bin/python3 -c 'import prometheus_client' 2> /dev/null; then
		/usr/bin/python3 -c 'import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
from prometheus_client.parser import text_string_to_metric_families as text
f = [x.name for x in om(open(sys.argv[1]).read())]
t = [x.name for x in text(open(sys.argv[2]).read())]
assert "http_server_request_duration_seconds" in f and "target" in f, f
print(len(f), len(t))' "$T_TMP/om.txt" "$T_TMP/m.txt" > "$T_TMP/om.out" 2>&1 &&
			pass "deploy_prom_openmetrics (families, OpenMetrics and text: $(cat "$T_TMP/om.out"))" ||
			fail deploy_prom_openmetrics "prometheus_client refused it: $(tail -n 2 "$T_TMP/om.out")"
	else pass "deploy_prom_openmetrics (no prometheus_client: structure only)"; fi
else
	fail deploy_prom_openmetrics "$(head -n 2 "$T_TMP/om.hdr"), last line '$om', $(grep -c . "$T_TMP/om.txt") lines"
fi
# a client that connects and sends nothing holds one of the 4 slots, not
# the event loop: a scrape meanwhile is answered at once
python3 -c 'import socket, sys, time
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").write("connected")
time.sleep(4)' $rp "$T_TMP/idle" &
track_pid $!
if wait_for "$T_TMP/idle" connected 50 &&
   st=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 3 http://127.0.0.1:$rp/metrics) &&
   [ "${st%% *}" = 200 ]; then
	pass "deploy_prom_idle_client (a scrape beside an idle connection: $st s)"
else
	fail deploy_prom_idle_client "a scrape beside an idle connection: '${st:-}'"
fi
if ! command -v prometheus > /dev/null; then
	skip deploy_prom_query "no prometheus here: promtool checked the text only"
	exit 0
fi
cat > "$T_TMP/prom.yml" <<EOC
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: rawtel
    static_configs:
      - targets: ['127.0.0.1:$rp']
EOC
prometheus --config.file="$T_TMP/prom.yml" --storage.tsdb.path="$T_TMP/tsdb" \
	--web.listen-address=127.0.0.1:$pp > "$T_TMP/prom.log" 2>&1 &
track_pid $!
q='histogram_quantile(0.9, sum by (le) (rate(http_server_request_duration_seconds_bucket[30s])))'
v=""
for i in $(seq 1 40); do
	sleep 1
	[ $((i % 3)) = 0 ] && curl -s -o /dev/null http://127.0.0.1:$hp/
	v=$(curl -s --get --data-urlencode "query=$q" http://127.0.0.1:$pp/api/v1/query |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
	case $v in ""|NaN) ;; *) break ;; esac
done
if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v > 0 && v <= 10) }'; then
	pass "deploy_prom_query (p90 $v s)"
else
	fail deploy_prom_query "query gave '$v'; $(tail -n 3 "$T_TMP/prom.log")"
fi
