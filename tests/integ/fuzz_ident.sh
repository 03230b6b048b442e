#!/bin/sh
# The /proc identity parsers' libFuzzer target (tests/fuzz/fuzz_ident.c)
# for a bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds: this
# machine's own /proc/self/{cgroup,status} and cgroup, environ and status
# texts of the formats user/util/ident.c names, in the target's input
# format (byte 0 the service buffer's size). Builds nothing: `make check`
# (or `make fuzz`) builds build/fuzz/fuzz_ident; a missing target is a
# failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
n=0
h=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
u=1b2c3d4e_5f60_4172_8394_a5b6c7d8e9f0
# seed TEXT: one input (TEXT with printf escapes), service size 200
seed() {
	n=$((n + 1))
	printf '\310' > "$c/seed$n"
	printf '%b' "$1" >> "$c/seed$n"
}
seed "12:memory:/docker/$h\n1:name=systemd:/docker/$h\n0::/\n"
seed "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$u.slice/cri-containerd-$h.scope\n"
seed "0::/kubepods.slice/kubepods-pod$u.slice/crio-conmon-$h.scope\n"
seed "11:cpu,cpuacct:/kubepods/besteffort/pod1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0/$h\n"
seed "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-$h.scope/container\n"
seed "0::/machine.slice/machine-web\\\\x2d1.scope/payload\n"
seed "0::/../../system.slice/nerdctl-$h.scope\n"
seed "Name:\tx\nNSpid:\t4242\t17\t1\nPPid:\t1\n"
seed "PATH=/bin\000OTEL_SERVICE_NAME=\000OTEL_RESOURCE_ATTRIBUTES=a=1, service.name = c%20d ,b=%41\000"
seed "OTEL_SERVICE_NAME=caf\303\251\000"
for f in cgroup status; do
	n=$((n + 1))
	printf '\010' > "$c/seed$n"
	head -c 4000 "/proc/self/$f" >> "$c/seed$n"
done
run_fuzzer fuzz_ident "$RAWTEL_TOP/build/fuzz/fuzz_ident" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=4096
