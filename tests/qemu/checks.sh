# The checks after a qemu test's VM ran tests/qemu/init, shared by
# tests/integ/qemu_kernel61.sh (x86_64), qemu_arm64.sh and qemu_armmp.sh:
# sourced, with
#   pre    the tests' name prefix (qemu61, qemu_arm64, qemu_armmp)
#   res    the results serial port's file, con the console's
#   rc     qemu's exit status, took its seconds, limit its time limit,
#   accel  tcg or kvm; T_TMP, top and lib.sh's pass/fail as in the tests
# Sets vm: the directory of the VM's sections (one file each).
. "$top/tests/qemu/vm.sh"

# check_run_files: rawtel run's OTLP protobuf files from the VM's run_files
# case, decoded by the OpenTelemetry project's code (tests/node/check-run.js,
# as run_otlp.sh does); called by the tests whose VM runs it (arm64, armmp)
check_run_files() {
	if [ "$(cat "$vm/run_files.rc" 2> /dev/null)" != 0 ]; then
		fail ${pre}_run_files "rawtel run exited $(cat "$vm/run_files.rc" 2> /dev/null): $(cat "$vm/run_files.err" 2> /dev/null)"
	elif ! command -v node > /dev/null || [ ! -d "$top/tests/node/node_modules/@opentelemetry" ]; then
		fail ${pre}_run_files "node or the OpenTelemetry decoder is missing: run scripts/install-deps test"
	elif ! base64 -d < "$vm/run_files.b64" | tar -x -C "$T_TMP"; then
		fail ${pre}_run_files "the VM's files did not come back whole"
	else
		node "$top/tests/node/check-run.js" ${pre}_run_files "$T_TMP/otlp" "$vm/run_files.pids" --open
	fi
}

# rawtel probe: ready, and the features this kernel has (kprobes, unlike
# the host's 6.18) reported as present; a caller that checks its kernel's
# own rows (qemu_armmp.sh: no BTF, the JIT off) sets own_probe_check=1
echo "--- rawtel probe on $(cat "$vm/uname") ---"
cat "$vm/probe"
if [ -n "${own_probe_check:-}" ]; then
	:
elif [ "$(cat "$vm/probe.rc" 2> /dev/null)" != 0 ]; then
	fail ${pre}_probe "rawtel probe exited $(cat "$vm/probe.rc" 2> /dev/null): $(tail -n 3 "$vm/probe" 2> /dev/null)"
else
	bad=""
	# grep -E pattern of one row: name, state yes
	for row in 'tracefs +yes .*mounted by rawtel' 'tracepoints +yes' 'BPF ring buffer +yes' \
		'perf event array +yes' 'probe_read_user +yes' 'ktime_get_boot_ns +yes' \
		'BPF links +yes' 'task registers \(BTF\) +yes' 'kprobes +yes' 'BTF +yes' 'BPF JIT +yes' \
		'^tracing: ready \(BPF ring buffer'; do
		grep -Eq "$row" "$vm/probe" || bad="$bad [$row]"
	done
	# tracefs was not mounted before rawtel: it mounted it itself
	[ -s "$vm/tracefs_before" ] && bad="$bad [tracefs already mounted: $(cat "$vm/tracefs_before")]"
	if [ -z "$bad" ]; then pass ${pre}_probe; else fail ${pre}_probe "rows not as expected:$bad"; fi
fi

# check NAME MODE TRANSPORT: one traced run of the driver in the VM;
# TRANSPORT is what rawtel must say it used
check() {
	c=$1 name=${pre}_$1  # not $n: lib.sh's fail() sets it
	if [ ! -f "$vm/$c.rc" ]; then fail "$name" "no result from the VM"; return; fi
	if [ "$(cat "$vm/$c.rc")" != 0 ]; then
		fail "$name" "rawtel exited $(cat "$vm/$c.rc"): $(cat "$vm/$c.err")"
		[ -f "$vm/$c.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/$c.vlog"; }
		return
	fi
	grep -q "lost in the kernel" "$vm/$c.err" || { fail "$name" "no summary: $(cat "$vm/$c.err")"; return; }
	grep -q "^rawtel: tracing exec,exit,open ($3)" "$vm/$c.err" ||
		{ fail "$name" "not through $3: $(cat "$vm/$c.err")"; return; }
	[ -s "$vm/$c.pids" ] || { fail "$name" "the driver printed no pids: $(cat "$vm/$c.err")"; return; }
	python3 "$top/tests/integ/check_trace.py" "$name" "$vm/$c.jsonl" "$vm/$c.pids" "$2"
}
check trace_ringbuf all "BPF ring buffer"
check trace_perfbuf all "per-CPU perf buffers"
check trace_filter_pid pid "BPF ring buffer"
check trace_filter_comm comm "BPF ring buffer"
check trace_filter_pid_perfbuf pid "per-CPU perf buffers"

# tcp,retrans: the kernel's layouts differ (tcp_send_reset before 6.10);
# what its tracepoints cannot give is expected missing, as the VM lists them
if [ "$(cat "$vm/tcp.rc" 2> /dev/null)" != 0 ]; then
	fail ${pre}_tcp "rawtel exited $(cat "$vm/tcp.rc" 2> /dev/null): $(cat "$vm/tcp.err" 2> /dev/null)"
	[ -f "$vm/tcp.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/tcp.vlog"; }
else
	grep -q sock_send_length "$vm/tcp.tps" && io=io || io=noio
	grep -q "field:.*saddr\[28\]" "$vm/tcp.tps" && rst=rstnosock || rst=norstnosock
	echo "--- the 6.1 kernel: $io $rst ---"
	python3 "$top/tests/integ/check_tcp.py" life ${pre}_tcp_life "$vm/tcp.jsonl" "$vm/tcp.life" \
		127.0.0.1 all $io
	python3 "$top/tests/integ/check_tcp.py" resets ${pre}_tcp_resets "$vm/tcp.jsonl" \
		"$vm/tcp.refused" "$vm/tcp.abort" 127.0.0.1 $io $rst
fi

# http: the exact exchanges of rtt_http's script, both capture paths
# (and rtt_ktls's on kernel TLS where the test asks: ktls_cases, the cases'
# names, perf buffers for those in _old)
for c in http:"BPF ring buffer" http_old:"per-CPU perf buffers" ${ktls_cases:-}; do
	h=${c%%:*} tr=${c#*:}
	case $c in *:*) ;; *_old) tr="per-CPU perf buffers" ;; *) tr="BPF ring buffer" ;; esac
	if [ "$(cat "$vm/$h.rc" 2> /dev/null)" != 0 ]; then
		fail ${pre}_$h "rawtel exited $(cat "$vm/$h.rc" 2> /dev/null): $(cat "$vm/$h.err" 2> /dev/null)"
		[ -f "$vm/$h.vlog" ] && { echo "--- end of the verifier log ---"; cat "$vm/$h.vlog"; }
	elif ! grep -q "^rawtel: tracing http ($tr)" "$vm/$h.err" || ! grep -q " 0 lost in the kernel" "$vm/$h.err"; then
		fail ${pre}_$h "not through $tr, or events lost: $(cat "$vm/$h.err")"
	else
		python3 "$top/tests/integ/check_http.py" run ${pre}_$h "$vm/$h.jsonl" "$vm/$h.run" 127.0.0.1
	fi
done
