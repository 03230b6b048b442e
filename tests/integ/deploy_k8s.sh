#!/bin/sh
# scripts/deploy/rawtel-daemonset.yaml passes tests/integ/check_k8s.py (the
# DaemonSet's structure, references, quantities, and rawtel's capabilities,
# hostPID and node-local endpoint); copies with one fault each (privileged,
# an endpoint not from the node, a mount without a volume, a selector that
# matches nothing) do not, so a pass means something.
. "$RAWTEL_TOP/tests/lib.sh"
yml="$RAWTEL_TOP/scripts/deploy/rawtel-daemonset.yaml"
chk="$RAWTEL_TOP/tests/integ/check_k8s.py"
if ! python3 -c 'import yaml' 2> /dev/null; then
	fail deploy_k8s "python3-yaml missing: scripts/install-deps test"
	exit 0
fi
if python3 "$chk" "$yml" > "$T_TMP/ok.out" 2>&1; then
	pass deploy_k8s_daemonset
else fail deploy_k8s_daemonset "$(cat "$T_TMP/ok.out")"; fi
n=0 caught=0
for fault in 's/privileged: false/privileged: true/' \
	's|http://$(HOST_IP):4318|http://collector:4318|' \
	's/^            - name: tracefs$/            - name: tracefs-typo/' \
	's/^        app.kubernetes.io\/name: rawtel$/        app: other/'; do
	n=$((n + 1))
	sed "$fault" "$yml" > "$T_TMP/bad$n.yaml"
	cmp -s "$yml" "$T_TMP/bad$n.yaml" && continue	# the fault did not apply
	python3 "$chk" "$T_TMP/bad$n.yaml" > /dev/null 2>&1 || caught=$((caught + 1))
done
if [ $caught -eq $n ]; then
	pass deploy_k8s_check_catches
else fail deploy_k8s_check_catches "$caught of $n faulty copies refused"; fi
