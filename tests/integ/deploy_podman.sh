#!/bin/sh
# The OCI image of scripts/deploy/oci-image run by podman (Debian's: apt-get
# install podman runc, in install-deps' test set; skips without podman):
# podman load takes the archive; the image's entrypoint says its version;
# rawtel probe inside it (--privileged --pid=host) says tracing is ready;
# rawtel run in it, writing to a mounted directory, records a second
# container's process with that container's exact id, podman as the
# runtime and the pid it has in its own namespace (1).
# Run options this machine needs, kept where others do no harm: explicit
# ulimits (podman's defaults raise them above the hard limits, refused
# without CAP_SYS_RESOURCE: "crun: setrlimit `RLIMIT_NOFILE`: Operation
# not permitted"), and runc where crun cannot start a container ("cgroups in
# hybrid mode not supported"). The second container runs the host's static
# busybox, mounted: the image holds nothing to run but rawtel.
. "$RAWTEL_TOP/tests/lib.sh"
top=$RAWTEL_TOP
if ! command -v podman > /dev/null; then
	skip deploy_podman "no podman: apt-get install podman runc"
	exit 0
fi
require_bpf deploy_podman || exit 0
if ! make -s -C "$top" build/static/rawtel > "$T_TMP/make.out" 2>&1; then
	fail deploy_podman "building the static binary failed: $(tail -n 5 "$T_TMP/make.out")"
	exit 0
fi
sh "$top/scripts/deploy/oci-image" "$top/build/static/rawtel" "$T_TMP/img" > /dev/null || {
	fail deploy_podman "oci-image failed"
	exit 0
}
img=$(podman load -i "$T_TMP/img.tar" 2> "$T_TMP/load.err" | sed -n 's/^Loaded image[^:]*: //p' | cut -d, -f1)
if [ -z "$img" ]; then
	fail deploy_podman_load "$(tail -n 3 "$T_TMP/load.err")"
	exit 0
fi
pass deploy_podman_load
version=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
U="--ulimit nofile=4096:4096 --ulimit nproc=4096:4096"
P="podman"
# shellcheck disable=SC2086
if ! $P run --rm $U "$img" --version > "$T_TMP/version" 2>&1 && command -v runc > /dev/null; then
	P="podman --runtime runc"
	$P run --rm $U "$img" --version > "$T_TMP/version" 2>&1
fi
if grep -qx "rawtel $version" "$T_TMP/version"; then
	pass "deploy_podman_version ($P)"
else
	fail deploy_podman_version "$(tail -n 3 "$T_TMP/version")"
	podman rmi "$img" > /dev/null 2>&1
	exit 0
fi
# shellcheck disable=SC2086
$P run --rm $U --privileged --pid=host "$img" probe > "$T_TMP/probe" 2>&1
if grep -q "^tracing: ready" "$T_TMP/probe"; then
	pass deploy_podman_probe
else
	fail deploy_podman_probe "$(tail -n 5 "$T_TMP/probe")"
fi

# As the DaemonSet runs it: its capabilities (read from the YAML) instead of
# --privileged, seccomp unconfined, tracefs written, a read-only root, the
# default probes; a python3 holding libssl makes rawtel attach TLS uprobes
# (the kernel's uprobe PMU refuses them without SYS_ADMIN: rawtel must take
# tracefs' uprobe_events and run, not exit)
caps=$(sed -n 's/^ *add: \[\(.*\)\]/\1/p' "$top/scripts/deploy/rawtel-daemonset.yaml" | tr -d '" ')
capopt="--cap-drop=ALL"
for c in $(echo "$caps" | tr ',' ' '); do capopt="$capopt --cap-add=$c"; done
/usr/bin/python3 -c 'import ssl, time; time.sleep(20)' &
sslpid=$!
mkdir -p "$T_TMP/ds"
# shellcheck disable=SC2086
timeout 60 $P run --rm $U $capopt --security-opt seccomp=unconfined --pid=host --read-only \
	-v /sys/kernel/tracing:/sys/kernel/tracing -v "$T_TMP/ds:/out" "$img" \
	run --no-spool --duration 2 --output /out > "$T_TMP/ds.log" 2>&1
dsrc=$?
kill $sslpid 2> /dev/null; wait $sslpid 2> /dev/null
# the TLS libraries rawtel probed, from its own metric (result=attached)
tlslibs=$(/usr/bin/python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    for rm in json.loads(line).get("resourceMetrics", []):
        for sm in rm.get("scopeMetrics", []):
            for m in sm.get("metrics", []):
                if m.get("name") != "rawtel.tls.libraries":
                    continue
                for dp in m.get("sum", {}).get("dataPoints", []):
                    if {"key": "result", "value": {"stringValue": "attached"}} in dp.get("attributes", []):
                        n = max(n, int(dp.get("asInt", 0)))
print(n)' "$T_TMP/ds/metrics.jsonl" 2> /dev/null)
if [ -z "$caps" ]; then
	fail deploy_podman_daemonset_caps "no capabilities read from rawtel-daemonset.yaml"
elif [ $dsrc = 0 ] && grep -q "running:" "$T_TMP/ds.log" && ! grep -q "cannot" "$T_TMP/ds.log" &&
	[ "${tlslibs:-0}" -ge 1 ]; then
	pass "deploy_podman_daemonset_caps ($caps; $tlslibs TLS libraries probed)"
else
	fail deploy_podman_daemonset_caps "exit $dsrc, TLS libraries probed ${tlslibs:-?}: $(tail -n 3 "$T_TMP/ds.log")"
fi

bb=/bin/busybox
mkdir -p "$T_TMP/out"
# shellcheck disable=SC2086
rt=$($P run -d $U --privileged --pid=host --uts=host -v "$T_TMP/out:/out" "$img" \
	run --no-status --probes exec,exit --output /out 2> "$T_TMP/rt.err")
i=0
while [ $i -lt 100 ] && [ -n "$rt" ] && ! $P logs "$rt" 2>&1 | grep -q "running:"; do
	sleep 0.2; i=$((i + 1))
done
c2=""
if [ -x $bb ] && [ $i -lt 100 ]; then
	# shellcheck disable=SC2086
	c2=$($P run -d $U -v "$bb:/busybox:ro" --entrypoint /busybox "$img" sleep 1 2>> "$T_TMP/rt.err")
	# shellcheck disable=SC2086
	[ -n "$c2" ] && timeout 30 $P wait "$c2" > /dev/null
	sleep 0.5
fi
[ -z "$rt" ] || $P stop -t 20 "$rt" > /dev/null 2>&1
[ -z "$rt" ] || $P logs "$rt" > "$T_TMP/rt.log" 2>&1
for c in $rt $c2; do $P rm -f "$c" > /dev/null 2>&1; done
podman rmi "$img" > /dev/null 2>&1
if [ ! -x $bb ]; then
	skip deploy_podman_identity "no static busybox at $bb to run in a second container: apt-get install busybox-static"
elif [ -n "$c2" ] && grep -F '"stringValue":"/busybox"' "$T_TMP/out/logs.jsonl" 2> /dev/null |
	grep -F "\"container.id\",\"value\":{\"stringValue\":\"$c2\"" |
	grep -F '"container.runtime.name","value":{"stringValue":"podman"' |
	grep -qF '"process.vpid","value":{"intValue":"1"'; then
	pass deploy_podman_identity
else
	fail deploy_podman_identity "container $c2; rawtel's: $(tail -n 3 "$T_TMP/rt.log" "$T_TMP/rt.err" 2> /dev/null); /busybox records: $(grep -c /busybox "$T_TMP/out/logs.jsonl" 2> /dev/null)"
fi
