#!/bin/sh
# scripts/deploy/rawtel.init (busybox init / SysV rc) run for real against
# this build, its paths under a temporary directory: start brings rawtel up
# with the settings file's OTEL_* variables and RAWTEL_OPTS, status says so,
# the processes started meanwhile reach the OTLP files, stop ends it
# cleanly (SIGTERM, exit 0), status then exits 3; a settings file others
# may write is refused. rawtel.openrc is checked for syntax (no OpenRC here).
. "$RAWTEL_TOP/tests/lib.sh"
init="$RAWTEL_TOP/scripts/deploy/rawtel.init"
if sh -n "$init" && sh -n "$RAWTEL_TOP/scripts/deploy/rawtel.openrc"; then
	pass deploy_init_syntax
else fail deploy_init_syntax "sh -n failed"; fi
require_bpf deploy_init || exit 0

export RAWTEL="$RAWTEL_REL" RAWTEL_ENV_FILE="$T_TMP/rawtel.env" RAWTEL_PIDFILE="$T_TMP/rawtel.pid"
export RAWTEL_LOG="$T_TMP/rawtel.log" RAWTEL_SPOOL="$T_TMP/spool"
cat > "$RAWTEL_ENV_FILE" << EOF2
OTEL_SERVICE_NAME=svc-from-init
RAWTEL_OPTS="--probes exec,exit --output $T_TMP/out"
EOF2
chmod 600 "$RAWTEL_ENV_FILE"
if ! sh "$init" start; then
	fail deploy_init_start "$(tail -n 5 "$RAWTEL_LOG")"
	exit 0
fi
track_pid "$(cat "$RAWTEL_PIDFILE")"
st=$(sh "$init" status); st_rc=$?
for i in 1 2 3; do /bin/true; done
sleep 0.5
sh "$init" stop
sh "$init" status > /dev/null; after_rc=$?
if [ $st_rc -eq 0 ] && [ $after_rc -eq 3 ] && [ ! -f "$RAWTEL_PIDFILE" ] &&
   grep -q "svc-from-init" "$T_TMP/out/logs.jsonl" 2> /dev/null &&
   grep -q '"true"' "$T_TMP/out/logs.jsonl"; then
	pass deploy_init_run
else
	fail deploy_init_run "status '$st' ($st_rc, then $after_rc), log: $(tail -n 3 "$RAWTEL_LOG")"
fi
chmod 620 "$RAWTEL_ENV_FILE"
if ! sh "$init" start 2> "$T_TMP/refused.err" && grep -q "others may write it" "$T_TMP/refused.err"; then
	pass deploy_init_refuses_writable_settings
else
	sh "$init" stop
	fail deploy_init_refuses_writable_settings "$(cat "$T_TMP/refused.err")"
fi
