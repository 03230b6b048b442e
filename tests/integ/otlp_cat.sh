#!/bin/sh
# rawtel cat on files written by the OpenTelemetry project's own encoder
# (tests/node/make-otlp-files.js): protobuf with a torn tail, JSON lines with
# a torn unterminated line, a file whose signal must be guessed, and --json
# checked against the independent decoder.
. "$RAWTEL_TOP/tests/lib.sh"
node_dir="$RAWTEL_TOP/tests/node"
if ! command -v node > /dev/null || [ ! -d "$node_dir/node_modules/@opentelemetry/otlp-transformer" ]; then
	fail otlp_cat "node or tests/node/node_modules missing: run scripts/install-deps test"
	exit 0
fi
node "$node_dir/make-otlp-files.js" "$T_TMP" || { fail otlp_cat "make-otlp-files.js failed"; exit 0; }

# expect NAME FILE: FILE's lines must all be in the output, and the count match
check() {
	name=$1 out=$2 want=$3
	if [ "$(wc -l < "$out")" -ne "$(wc -l < "$want")" ] || ! diff "$want" "$out" > "$T_TMP/diff" 2>&1; then
		fail "$name" "output differs: $(head -c 600 "$T_TMP/diff")"
	else
		pass "$name"
	fi
}

# torn NAME RC PATTERN: rawtel cat exited 0 and said PATTERN on stderr
torn() {
	if [ "$2" -eq 0 ] && grep -q "$3" "$T_TMP/err"; then
		pass "$1"
	else
		fail "$1" "exit $2, stderr: $(cat "$T_TMP/err")"
	fi
}

cat > "$T_TMP/want.traces" <<'X'
2023-11-14T22:13:20.000000000Z shop span SERVER "GET /cart" 250.000ms ERROR:"upstream" trace=abcdef1234567890abcdef1234567890 span=0102030405060708 parent=090a0b0c0d0e0f10 http.request.method=GET http.response.status_code=500
2023-11-14T22:13:20.010000000Z shop span CLIENT "SELECT shop.items" 500.000us trace=abcdef1234567890abcdef1234567890 span=1111121314151617 db.system.name=postgresql
X
cat "$T_TMP/want.traces" "$T_TMP/want.traces" > "$T_TMP/want.traces2"
"$RAWTEL" cat "$T_TMP/traces.pb" > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
check cat_protobuf "$T_TMP/out" "$T_TMP/want.traces2"
torn cat_protobuf_torn_tail $rc 'traces.pb: record at byte .*: torn last record skipped (length .*, only .* bytes left)'

cat > "$T_TMP/want.metrics" <<'X'
2023-11-14T22:14:20.000000000Z shop metric "http.server.request.duration" histogram cumulative count=3 sum=0.75 min=0.05 max=0.5 buckets=0,2,1 unit=s http.route=/cart
2023-11-14T22:14:20.000000000Z shop metric "queue.depth" gauge -4
X
cat "$T_TMP/want.metrics" "$T_TMP/want.metrics" > "$T_TMP/want.metrics2"
"$RAWTEL" cat "$T_TMP/metrics.jsonl" > "$T_TMP/out" 2> "$T_TMP/err"; rc=$?
check cat_jsonl "$T_TMP/out" "$T_TMP/want.metrics2"
torn cat_jsonl_torn_line $rc 'metrics.jsonl: line 3: torn last record skipped'

echo '2023-11-14T22:13:20.500000000Z shop log ERROR "payment failed" order.id=A-17' > "$T_TMP/want.logs"
"$RAWTEL" cat "$T_TMP/logs.bin" > "$T_TMP/out" 2> "$T_TMP/err"
check cat_signal_by_trying "$T_TMP/out" "$T_TMP/want.logs"

# --json: each record again as OTLP JSON; the independent decoder must read
# it as exactly what the JS encoder wrote.
"$RAWTEL" cat --json "$T_TMP/traces.pb" 2> /dev/null | head -n 1 > "$T_TMP/again.json"
if node -e '
const { decode } = require(process.argv[1]);
const fs = require("fs");
const a = decode("traces", fs.readFileSync(process.argv[2]), "json");
const b = decode("traces", fs.readFileSync(process.argv[3]), "json");
require("assert").deepStrictEqual(a, b);
' "$node_dir/otlp-decode.js" "$T_TMP/again.json" "$T_TMP/traces.json" > "$T_TMP/node.out" 2>&1; then
	pass cat_json_matches_independent_decoder
else
	fail cat_json_matches_independent_decoder "$(head -c 800 "$T_TMP/node.out")"
fi
