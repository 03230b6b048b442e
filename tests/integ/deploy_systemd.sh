#!/bin/sh
# scripts/deploy/rawtel.service: systemd-analyze verify finds nothing to say
# (with ExecStart pointed at this build: verify checks the binary exists),
# and does complain about a copy with a misspelt directive (so a silent
# verify means something); systemd-analyze security rates the hardening
# at most 5.0 (OK), without CAP_SYS_ADMIN in the bounding set.
. "$RAWTEL_TOP/tests/lib.sh"
unit="$RAWTEL_TOP/scripts/deploy/rawtel.service"
if ! command -v systemd-analyze > /dev/null; then
	skip deploy_systemd "no systemd-analyze here"
	exit 0
fi
mkdir -p "$T_TMP/ok" "$T_TMP/bad"
sed "s|/usr/local/bin/rawtel|$RAWTEL_REL|" "$unit" > "$T_TMP/ok/rawtel.service"
if systemd-analyze verify "$T_TMP/ok/rawtel.service" > "$T_TMP/verify.out" 2>&1 &&
   [ ! -s "$T_TMP/verify.out" ]; then
	pass deploy_systemd_verify
else
	fail deploy_systemd_verify "$(head -c 600 "$T_TMP/verify.out")"
fi
sed 's/^ProtectSystem=strict/ProtectSystme=strict/' "$T_TMP/ok/rawtel.service" > "$T_TMP/bad/rawtel.service"
systemd-analyze verify "$T_TMP/bad/rawtel.service" > "$T_TMP/bad.out" 2>&1
if grep -q "ProtectSystme" "$T_TMP/bad.out"; then
	pass deploy_systemd_verify_catches
else
	fail deploy_systemd_verify_catches "verify said nothing of a misspelt directive"
fi
score=$(systemd-analyze security --offline=true "$T_TMP/ok/rawtel.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for rawtel.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }' &&
   ! grep -q "^CapabilityBoundingSet=.*CAP_SYS_ADMIN" "$unit" &&
   grep -q "^StateDirectory=rawtel" "$unit" && grep -q "^EnvironmentFile=" "$unit"; then
	pass "deploy_systemd_hardening (exposure $score)"
else
	fail deploy_systemd_hardening "exposure '${score:-?}' over 5.0, or CAP_SYS_ADMIN/StateDirectory/EnvironmentFile wrong"
fi
