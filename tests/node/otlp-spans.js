'use strict';
// The spans, metrics and rawtel self-metrics of the OTLP requests
// receiver.js wrote into a directory (NNN-traces.pb, NNN-metrics.json...),
// decoded by otlp-decode.js (the OpenTelemetry project's generated code),
// flattened for checkers:
//   const { load } = require('./otlp-spans.js');
//   const { spans, metrics, self } = load(dir);
// spans: { res, s, a } (resource attributes, the span, its attributes);
// metrics: { res, m }; self(name, attrs): the last exported value of one of
// rawtel's own counters (0 when never exported).
const fs = require('fs');
const path = require('path');
const { decode } = require('./otlp-decode.js');

const val = (v) => (!v ? undefined : 'stringValue' in v ? v.stringValue : 'intValue' in v ? Number(v.intValue) :
  'doubleValue' in v ? v.doubleValue : 'boolValue' in v ? v.boolValue : v);
const attrs = (l) => Object.fromEntries((l || []).map((kv) => [kv.key, val(kv.value)]));

function load(dir) {
  const spans = [], metrics = [], last = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^\d+-(traces|metrics|logs)\.(pb|json)$/.exec(f);
    if (!m || m[1] === 'logs') continue;
    const msg = decode(m[1], fs.readFileSync(path.join(dir, f)), m[2] === 'pb' ? 'protobuf' : 'json');
    if (m[1] === 'traces')
      for (const rs of msg.resourceSpans || []) for (const ss of rs.scopeSpans || [])
        for (const s of ss.spans || []) spans.push({ res: attrs(rs.resource.attributes), s, a: attrs(s.attributes) });
    for (const rm of msg.resourceMetrics || []) {
      const res = attrs(rm.resource.attributes);
      for (const sm of rm.scopeMetrics || []) for (const mt of sm.metrics || []) {
        metrics.push({ res, m: mt });
        if (res['service.name'] === 'rawtel' && mt.sum)
          for (const p of mt.sum.dataPoints)
            last[mt.name + JSON.stringify(attrs(p.attributes))] = Number(p.asInt || 0);
      }
    }
  }
  const self = (name, a) => last[name + JSON.stringify(a)] || 0;
  return { spans, metrics, self };
}

module.exports = { load, attrs };
