#!/bin/sh
# The resolver's DNS answer parser's libFuzzer target
# (tests/fuzz/fuzz_dnsmsg.c) for a bounded time: RAWTEL_FUZZ_SECONDS,
# default 20. Seeds, made here: answers to api.example.com with A, AAAA,
# a CNAME chain through compression pointers, NXDOMAIN and TC. Builds
# nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_dnsmsg; a
# missing target is a failure.
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

c="$T_TMP/corpus"
mkdir -p "$c"
q='\003api\007example\003com\000'
ttl='\000\000\000\074'
printf "\022\064\201\200\000\001\000\001\000\000\000\000${q}\000\001\000\001\300\014\000\001\000\001${ttl}\000\004\012\000\000\005" > "$c/a"
printf "\022\064\201\000\000\001\000\001\000\000\000\000${q}\000\034\000\001\300\014\000\034\000\001${ttl}\000\020\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\001" > "$c/aaaa"
printf "\022\064\201\200\000\001\000\002\000\000\000\000${q}\000\001\000\001\300\014\000\005\000\001${ttl}\000\007\004edge\300\020\300\055\000\001\000\001${ttl}\000\004\300\000\002\007" > "$c/cname"
printf "\022\064\201\203\000\001\000\000\000\000\000\000${q}\000\001\000\001" > "$c/nxdomain"
printf "\022\064\203\200\000\001\000\000\000\000\000\000${q}\000\001\000\001" > "$c/tc"
run_fuzzer fuzz_dnsmsg "$RAWTEL_TOP/build/fuzz/fuzz_dnsmsg" "${RAWTEL_FUZZ_SECONDS:-20}" "$c" \
	-rss_limit_mb=1024 -max_len=1500
