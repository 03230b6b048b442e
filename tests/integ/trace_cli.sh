#!/bin/sh
# rawtel trace and probe from a user's side: text output, --duration, the
# errors a user meets (unknown probe, bad options, no privileges) with their
# exit codes, and a clean exit on SIGTERM.
. "$RAWTEL_TOP/tests/lib.sh"

# usage errors: exit 2 and one line naming the problem
"$RAWTEL" trace bogus > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
if [ $rc -eq 2 ] && grep -q "unknown probe 'bogus'" "$T_TMP/e" && [ "$(wc -l < "$T_TMP/e")" -eq 1 ]; then
	pass cli_unknown_probe
else fail cli_unknown_probe "rc=$rc: $(cat "$T_TMP/e")"; fi
"$RAWTEL" trace exec --pid nope > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--pid nope" "$T_TMP/e" && pass cli_bad_pid || fail cli_bad_pid "rc=$rc: $(cat "$T_TMP/e")"
"$RAWTEL" trace exec --ring-size 1000 > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "power of two" "$T_TMP/e" && pass cli_bad_ring || fail cli_bad_ring "rc=$rc: $(cat "$T_TMP/e")"
"$RAWTEL" nosuchcmd > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
[ $rc -eq 2 ] && pass cli_unknown_command || fail cli_unknown_command "rc=$rc"
"$RAWTEL" --version | grep -Eq '^rawtel [0-9]+\.[0-9]+\.[0-9]+$' && pass cli_version || fail cli_version "$("$RAWTEL" --version)"
"$RAWTEL" trace --help | grep -q -- "--perf-buffer" && pass cli_trace_help || fail cli_trace_help "no option list"

# `rawtel asm --kern UNIT` assembles every kern/ unit built in (the
# constants a session sets are given defaults), against this kernel's
# tracefs
bad=""
for f in "$RAWTEL_TOP"/kern/*.S; do
	u=$(basename "$f" .S)
	"$RAWTEL" asm --kern "$u" -o "$T_TMP/$u.o" > /dev/null 2> "$T_TMP/e" || bad="$bad $u: $(head -n 1 "$T_TMP/e")"
done
[ -z "$bad" ] && pass cli_asm_kern_units || fail cli_asm_kern_units "$bad"

# rawtel --help lists every probe of the probe table (read from its source,
# not from rawtel)
"$RAWTEL" --help > "$T_TMP/help"
names=$(sed -n 's/^[[:space:]]*{ \.name = "\([a-z0-9_]*\)".*/\1/p' "$RAWTEL_TOP/user/probes/probes.c")
missing=""
for p in $names; do grep -Eq "^  $p +[^ ]" "$T_TMP/help" || missing="$missing $p"; done
if [ -n "$names" ] && [ -z "$missing" ]; then pass cli_help_probes
else fail cli_help_probes "not listed:${missing:- (no probe names found)}"; fi

# an option that one probe reads is refused when --probes leaves it out
"$RAWTEL" run --probes exec --port 80 > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l < "$T_TMP/e")" -eq 1 ] &&
   grep -q "^rawtel: --port is for the http probe: add http to --probes" "$T_TMP/e"; then
	pass cli_run_option_needs_probe
else fail cli_run_option_needs_probe "rc=$rc: $(cat "$T_TMP/e")"; fi
"$RAWTEL" trace exec --capture-bytes 64 > "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
[ $rc -eq 2 ] && grep -q "^rawtel: --capture-bytes is for the http probe$" "$T_TMP/e" &&
	pass cli_trace_option_needs_probe || fail cli_trace_option_needs_probe "rc=$rc: $(cat "$T_TMP/e")"

# without privileges: exit 4, one line that names what is missing
if command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
	cp "$RAWTEL_REL" "$T_TMP/rawtel-np"; chmod 755 "$T_TMP" "$T_TMP/rawtel-np"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T_TMP/rawtel-np" trace exec \
		> "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
	if [ $rc -eq 4 ] && grep -q "CAP_BPF and CAP_PERFMON" "$T_TMP/e" && [ "$(wc -l < "$T_TMP/e")" -eq 1 ]; then
		pass cli_no_privileges
	else fail cli_no_privileges "rc=$rc: $(cat "$T_TMP/e")"; fi
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T_TMP/rawtel-np" probe \
		> "$T_TMP/o" 2> "$T_TMP/e"; rc=$?
	[ $rc -eq 4 ] && grep -q "not possible here" "$T_TMP/o" && pass probe_no_privileges \
		|| fail probe_no_privileges "rc=$rc: $(cat "$T_TMP/o")"
else
	skip cli_no_privileges "needs root and setpriv to drop privileges"
fi

require_bpf probe_ready || exit 0
"$RAWTEL" probe > "$T_TMP/o" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q "^tracing: ready" "$T_TMP/o" && grep -q "^kprobes" "$T_TMP/o"; then
	pass probe_ready
else fail probe_ready "rc=$rc: $(tail -n 3 "$T_TMP/o")"; fi

# text output with --duration: header, aligned columns, our exec, exit 0
"$RAWTEL" trace exec --duration 3 > "$T_TMP/o" 2> "$T_TMP/e" &
rt=$!; track_pid $rt
wait_for "$T_TMP/e" tracing 200 || fail cli_text "did not start: $(cat "$T_TMP/e")"
/bin/echo rtt-text-marker one > /dev/null
wait $rt; rc=$?
if [ $rc -eq 0 ] && head -n 1 "$T_TMP/o" | grep -Eq '^TIME +PID +COMM +PPID +UID +RET +ARGS$' &&
   grep -Eq "^[0-9:.]+ +[0-9]+ +echo +$$ +[0-9]+ +0 +/bin/echo rtt-text-marker one$" "$T_TMP/o"; then
	pass cli_text
else fail cli_text "rc=$rc: $(grep -n rtt-text "$T_TMP/o" || head -n 3 "$T_TMP/o")"; fi

# several probes: one combined layout with an EVENT column; SIGTERM ends it cleanly
"$RAWTEL" trace exec,exit > "$T_TMP/o2" 2> "$T_TMP/e2" &
rt=$!; track_pid $rt
wait_for "$T_TMP/e2" tracing 200
sh -c 'exit 5'
sleep 0.3
kill -TERM $rt; wait $rt; rc=$?
if [ $rc -eq 0 ] && head -n 1 "$T_TMP/o2" | grep -Eq '^TIME +EVENT +PID +COMM +DETAILS$' &&
   grep -Eq ' exit +[0-9]+ +sh +ppid=[0-9]+ age=[0-9.]+s code 5$' "$T_TMP/o2" &&
   grep -q "events, 0 lost" "$T_TMP/e2"; then
	pass cli_multi_sigterm
else fail cli_multi_sigterm "rc=$rc: $(tail -n 3 "$T_TMP/o2") / $(cat "$T_TMP/e2")"; fi

# rawtel run_default NAME [options]: rawtel run for a second into files;
# sets $probes to what its "running:" line names
run_default() {
	name=$1; shift
	"$RAWTEL" run --no-status --duration 1 --output "$T_TMP/$name.d" "$@" \
		> "$T_TMP/$name.o" 2> "$T_TMP/$name.e"; rc=$?
	probes=$(sed -n 's/^rawtel: running: \([a-z,]*\) -> .*/\1/p' "$T_TMP/$name.e")
}

# the first run: no --probes does the main job, every probe attached (a
# probe that cannot attach fails the start) and counted in the self-metrics
# (the database probes ride on http's capture: on by default, no hooks of their own)
base=http,dns,tcp,exec,exit
want=$base,postgres,mysql,redis,memcached
run_default run_default
counted=""
for p in $(echo "$base" | tr , ' '); do
	grep -q "\"key\":\"probe\",\"value\":{\"stringValue\":\"$p\"}" "$T_TMP/run_default.d/metrics.jsonl" \
		2> /dev/null && counted="$counted,$p"
done
if [ $rc -eq 0 ] && [ "$probes" = "$want" ] && [ "$counted" = ",$base" ]; then
	pass cli_run_default_probes
else fail cli_run_default_probes "rc=$rc probes=$probes counted=$counted: $(cat "$T_TMP/run_default.e")"; fi

# --port without --probes turns http on (next to the default set)
run_default run_port --port 8080
if [ $rc -eq 0 ] && [ "$probes" = "$want" ]; then pass cli_run_port_enables_http
else fail cli_run_port_enables_http "rc=$rc probes=$probes: $(cat "$T_TMP/run_port.e")"; fi
run_default run_port_listed --probes exec,http --port=8080
if [ $rc -eq 0 ] && [ "$probes" = "exec,http" ]; then pass cli_run_port_listed
else fail cli_run_port_listed "rc=$rc probes=$probes: $(cat "$T_TMP/run_port_listed.e")"; fi
