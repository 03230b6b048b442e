'use strict';
// What the checkers of `rawtel run` read, decoded by the OpenTelemetry
// project's generated code (otlp-decode.js) and flattened to one entry per
// span, metric and log record with plain attribute objects:
//   readBodies(dir)  the OTLP request bodies receiver.js saved (N-traces.pb,
//                    N-metrics.json, ...), in the order they were received
//   readJsonl(dir)   the traces/metrics/logs.jsonl files of --output DIR
// Both return { spans [{ res, s, a }], metrics [{ res, m }],
// logs [{ res, l, a }], self(name, attrs), selfSum(name, attrs) }: self is
// the last exported value of one of rawtel's own counters (0 when never
// exported), selfSum the sum of those of NAME whose attributes include ATTRS.
const fs = require('fs');
const path = require('path');
const { decode } = require('./otlp-decode.js');

// An AnyValue as a JS value (ints as numbers: the tests' are small)
const val = (v) => (!v ? undefined : 'stringValue' in v ? v.stringValue : 'intValue' in v ? Number(v.intValue) :
  'doubleValue' in v ? v.doubleValue : 'boolValue' in v ? v.boolValue : v);
const attrs = (l) => Object.fromEntries((l || []).map((kv) => [kv.key, val(kv.value)]));
// a series' key: its attributes in any order
const key = (name, a) => name + JSON.stringify(Object.entries(a).sort());

function reader() {
  const out = { spans: [], metrics: [], logs: [] }, last = new Map();
  const add = (msg) => {
    for (const rs of msg.resourceSpans || []) for (const ss of rs.scopeSpans || [])
      for (const s of ss.spans || []) out.spans.push({ res: attrs(rs.resource.attributes), s, a: attrs(s.attributes) });
    for (const rm of msg.resourceMetrics || []) {
      const res = attrs(rm.resource.attributes);
      for (const sm of rm.scopeMetrics || []) for (const mt of sm.metrics || []) {
        out.metrics.push({ res, m: mt });
        if (res['service.name'] === 'rawtel' && mt.sum)
          for (const p of mt.sum.dataPoints) {
            const a = attrs(p.attributes);
            last.set(key(mt.name, a), { name: mt.name, a, v: Number(p.asInt || 0) });
          }
      }
    }
    for (const rl of msg.resourceLogs || []) for (const sl of rl.scopeLogs || [])
      for (const l of sl.logRecords || []) out.logs.push({ res: attrs(rl.resource.attributes), l, a: attrs(l.attributes) });
  };
  out.self = (name, a) => (last.get(key(name, a)) || { v: 0 }).v;
  out.selfSum = (name, a) => [...last.values()].filter((x) => x.name === name &&
    Object.entries(a).every(([k, v]) => x.a[k] === v)).reduce((n, x) => n + x.v, 0);
  return { out, add };
}

function readBodies(dir) {
  const { out, add } = reader();
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^\d+-(traces|metrics|logs)\.(pb|json)$/.exec(f);
    if (m) add(decode(m[1], fs.readFileSync(path.join(dir, f)), m[2] === 'pb' ? 'protobuf' : 'json'));
  }
  return out;
}

function readJsonl(dir) {
  const { out, add } = reader();
  for (const sig of ['traces', 'metrics', 'logs']) {
    const p = path.join(dir, sig + '.jsonl');
    if (!fs.existsSync(p)) continue;
    for (const l of fs.readFileSync(p, 'utf8').split('\n'))
      if (l.length) add(decode(sig, Buffer.from(l), 'json'));
  }
  return out;
}

// The opening and end every `NAME OUT_DIR SCENARIO.json` checker shares:
// the run's spans and self-metrics, the scenario, check() gathering
// failures and done() printing PASS NAME or FAIL NAME: the first six.
function scenarioCheck() {
  const [name, dir, scenFile] = process.argv.slice(2);
  const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
  const { spans, self } = readJsonl(dir);
  const fails = [];
  const check = (c, what) => { if (!c) fails.push(what); };
  const done = () => {
    if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 6).join('; ')}`); process.exit(1); }
    console.log(`PASS ${name} (${spans.length} spans)`);
  };
  return { name, sc, spans, self, check, done };
}

module.exports = { val, attrs, readBodies, readJsonl, scenarioCheck };
