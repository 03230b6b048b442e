#!/bin/sh
# The SQL and command-line sanitizer's libFuzzer target (tests/fuzz/
# fuzz_sql.c) for a bounded time: RAWTEL_FUZZ_SECONDS, default 30. Seeds
# are statements in the target's input format (see fuzz_sql.c), made here.
# Builds nothing: `make check` (or `make fuzz`) builds build/fuzz/fuzz_sql;
# a missing target is a failure. Crash inputs are kept in build/fuzz/ to
# reproduce with build/fuzz/fuzz_sql build/fuzz/crash-...
: "${RAWTEL_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$RAWTEL_TOP/tests/lib.sh"

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
run_fuzzer fuzz_sql "$RAWTEL_TOP/build/fuzz/fuzz_sql" "${RAWTEL_FUZZ_SECONDS:-30}" "$c" \
	-rss_limit_mb=2048 -max_len=3000 -dict="$RAWTEL_TOP/tests/fuzz/fuzz_sql.dict"
