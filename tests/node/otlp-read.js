'use strict';
// What the checkers of `rawtel run` read: the OTLP request bodies
// receiver.js saved (N-traces.pb, N-metrics.json, ...), decoded by the
// OpenTelemetry project's generated code (otlp-decode.js) and flattened to
// one entry per span, metric and log record with plain attribute objects.
const fs = require('fs');
const path = require('path');
const { decode } = require('./otlp-decode.js');

// An AnyValue as a JS value (ints as numbers: the tests' are small)
const val = (v) => (!v ? undefined : 'stringValue' in v ? v.stringValue : 'intValue' in v ? Number(v.intValue) :
  'doubleValue' in v ? v.doubleValue : 'boolValue' in v ? v.boolValue : v);
const attrs = (l) => Object.fromEntries((l || []).map((kv) => [kv.key, val(kv.value)]));

// Every body in DIR, in the order they were received:
//   spans [{ res, s, a }], metrics [{ res, m }], logs [{ res, l, a }]
function readBodies(dir) {
  const out = { spans: [], metrics: [], logs: [] };
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^\d+-(traces|metrics|logs)\.(pb|json)$/.exec(f);
    if (!m) continue;
    const msg = decode(m[1], fs.readFileSync(path.join(dir, f)), m[2] === 'pb' ? 'protobuf' : 'json');
    for (const rs of msg.resourceSpans || []) for (const ss of rs.scopeSpans || [])
      for (const s of ss.spans || []) out.spans.push({ res: attrs(rs.resource.attributes), s, a: attrs(s.attributes) });
    for (const rm of msg.resourceMetrics || []) for (const sm of rm.scopeMetrics || [])
      for (const mt of sm.metrics || []) out.metrics.push({ res: attrs(rm.resource.attributes), m: mt });
    for (const rl of msg.resourceLogs || []) for (const sl of rl.scopeLogs || [])
      for (const l of sl.logRecords || []) out.logs.push({ res: attrs(rl.resource.attributes), l, a: attrs(l.attributes) });
  }
  return out;
}

module.exports = { val, attrs, readBodies };
