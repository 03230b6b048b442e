// Decode a file written by rawtel's files sink with the OpenTelemetry
// oracle and print one JSON line: {"records": N, "items": [...]} (items as
// in receiver.js itemNames, all records in order), or exit 1 with why.
//   node decode_file.js traces.jsonl | traces.pb
'use strict';
const fs = require('fs');
const path = require('path');
const { decodeJson, decodeProtobuf, itemNames } = require('./receiver.js');

function records(file) {
  const data = fs.readFileSync(file);
  if (file.endsWith('.jsonl')) {
    const text = data.toString('utf8');
    if (text.length && !text.endsWith('\n')) throw new Error('last line is not terminated');
    return text.split('\n').filter((l) => l.length).map((l) => ({ json: l }));
  }
  const out = [];
  for (let off = 0; off < data.length;) {
    if (off + 4 > data.length) throw new Error(`torn length prefix at ${off}`);
    const len = data.readUInt32BE(off);
    if (off + 4 + len > data.length) throw new Error(`record at ${off} runs past the end`);
    out.push({ pb: data.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return out;
}

const file = process.argv[2];
const signal = path.basename(file).split(/[-.]/)[0];
try {
  const items = [];
  const recs = records(file);
  for (const r of recs) {
    const msg = r.json !== undefined ? decodeJson(signal, r.json) : decodeProtobuf(signal, r.pb);
    items.push(...itemNames(signal, msg));
  }
  console.log(JSON.stringify({ records: recs.length, items }));
} catch (e) {
  console.error(`decode_file: ${file}: ${e.message}`);
  process.exit(1);
}
