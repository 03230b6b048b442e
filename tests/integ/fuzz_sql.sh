#!/bin/sh
# The SQL and command-line sanitizer's libFuzzer target (tests/fuzz/
# fuzz_sql.c) for a bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds
# are statements in the target's input format (see fuzz_sql.c), made here.
# Builds nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_sql;
# a missing target is a failure. Crash inputs are kept in build/fuzz/ to
# reproduce with build/fuzz/fuzz_sql build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

name=fuzz_sql
bin="$RAWTEL_TOP/build/fuzz/fuzz_sql"
secs=${RAWTEL_FUZZ_SECONDS:-30}
if [ ! -x "$bin" ]; then
	fail $name "$bin is missing: run make fuzz (clang and libFuzzer: scripts/install-deps test)"
	exit 1
fi
c="$T_TMP/corpus"
mkdir -p "$c"
n=0
# seed OPT SIZE TEXT: one input (OPT and SIZE as numbers, TEXT with printf
# escapes; \000 splits the prefix from the suffix)
seed() {
	n=$((n + 1))
	printf "\\$(printf %o "$1")\\$(printf %o "$2")" > "$c/seed$n"
	printf '%b' "$3" >> "$c/seed$n"
}
for form in 0 8 16 24 32 40 48 56; do
	seed $form 255 "SELECT a, b FROM s.t WHERE id IN (1, 2, 3) AND name = 'x''y'\000 ORDER BY 1"
	seed $((form + 1)) 255 "SELECT * FROM \`db\`.\`t\` WHERE a = \"s\\\\\"\" # c\000LIMIT 1"
done
seed 0 40 "WITH x AS (SELECT a FROM t WHERE b > (1)) SELECT * FROM x JOIN u ON x.a = u.a"
seed 0 255 "SELECT E'a\\\\'b', \$\$body\$\$, \$f\$ \$\$ \$f\$ /* a /* b */ c */ FROM t\000; COMMIT"
seed 1 255 "INSERT INTO t VALUES (_utf8mb4'x', x'41', 0b1), (2, 'b') -- c\n"
seed 0 12 "UPDATE t SET a = 1 FROM u WHERE t.id = u.id; DELETE FROM ONLY v"
seed 0 255 "SELECT 'unterminated"
seed 0 255 "CREATE TABLE IF NOT EXISTS \"Q\".\"t\" (id int); DROP TABLE a, b"
seed 2 255 "SET user:1 \"a b\\\\\" c\"\000EX 60"
seed 2 8 "CONFIG GET maxmemory"
seed 6 255 "set k 0 60 5 noreply\000"
seed 6 255 "mg key v t"
# the fuzzer's own sanitizers must stop at the first finding
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=3000 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_sql.dict" \
	-artifact_prefix="$RAWTEL_TOP/build/fuzz/" -print_final_stats=1 \
	"$c" > "$T_TMP/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T_TMP/log")
if [ $rc -eq 0 ]; then
	pass "$name ($runs inputs in ${secs}s from $(ls "$c" | wc -l) seeds)"
else
	tail -n 40 "$T_TMP/log"
	fail $name "fuzzer exited $rc after ${runs:-?} inputs; crash input in $(grep -o 'build/fuzz/crash-[0-9a-f]*' "$T_TMP/log" | head -n 1) (see log above)"
fi
