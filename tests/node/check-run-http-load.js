'use strict';
// The accounting of tests/integ/run_http_load.sh: nginx's SERVER spans that
// rawtel exported against the requests nginx served, and what rawtel says
// it lost (its last self-metrics export). Every span is right (the path
// wrk asked for, status 200) or says what it missed (rawtel.http.partial):
// records lost in the kernel are found by stream offset and fed as gaps,
// so a loss never pairs a response with the wrong request. Spans missing
// and spans flagged together are no more than the losses reported.
//   node check-run-http-load.js NAME BODIES_DIR NGINX_PID SERVED WRK_OUTPUT [MIN_LOST]
const fs = require('fs');
const path = require('path');
const { decode } = require('./otlp-decode.js');

const [name, dir, pidStr, servedStr, wrkFile, minLostStr] = process.argv.slice(2);
const pid = Number(pidStr), served = Number(servedStr), minLost = Number(minLostStr || 0);
const val = (v) => (!v ? undefined : 'stringValue' in v ? v.stringValue : 'intValue' in v ? Number(v.intValue) : v);
const attrs = (l) => Object.fromEntries((l || []).map((kv) => [kv.key, val(kv.value)]));

let spans = 0, partial = 0, bad = 0, closed = 0;
const self = {};	// metric name -> attribute key -> value (the last export wins)
let hist = 0;
for (const f of fs.readdirSync(dir).sort()) {
  const m = /^\d+-(traces|metrics|logs)\.(pb|json)$/.exec(f);
  if (!m) continue;
  const msg = decode(m[1], fs.readFileSync(path.join(dir, f)), m[2] === 'pb' ? 'protobuf' : 'json');
  if (m[1] === 'traces')
    for (const rs of msg.resourceSpans || []) {
      if (attrs(rs.resource.attributes)['process.pid'] !== pid) continue;
      for (const ss of rs.scopeSpans || []) for (const s of ss.spans || []) {
        if (s.kind !== 2) continue;
        const a = attrs(s.attributes);
        spans++;
        if (a['rawtel.http.partial']) partial++;
        else if (a['url.path'] !== '/static/hello.txt' || a['http.response.status_code'] !== 200) bad++;
        if (a['error.type'] === 'connection_closed' && !a['rawtel.http.partial']) closed++;
      }
    }
  if (m[1] === 'metrics')
    for (const rm of msg.resourceMetrics || []) {
      const r = attrs(rm.resource.attributes);
      for (const sm of rm.scopeMetrics || []) for (const mt of sm.metrics || []) {
        if (r['service.name'] === 'rawtel' && mt.sum)
          for (const p of mt.sum.dataPoints) {
            self[mt.name] = self[mt.name] || {};
            self[mt.name][JSON.stringify(attrs(p.attributes))] = Number(p.asInt || 0);
          }
        if (r['process.pid'] === pid && mt.name === 'http.server.request.duration')
          hist = mt.histogram.dataPoints.reduce((x, p) => x + Number(p.count), 0);
      }
    }
}
const get = (n, k) => ((self[n] || {})[JSON.stringify(k)] || 0);
const lost = get('rawtel.events.lost', { probe: 'http' }) + get('rawtel.events.lost', { probe: 'unknown' });
const state = get('rawtel.http.events', { event: 'lost_state' }) + get('rawtel.http.events', { event: 'reorder_late' }) +
  get('rawtel.http.events', { event: 'gap_late' });
const gaps = get('rawtel.http.events', { event: 'gap' });
const dropped = get('rawtel.records.dropped', { signal: 'traces' }) +
  Object.entries(self['rawtel.export.dropped'] || {}).filter(([k]) => k.includes('traces')).reduce((x, [, v]) => x + v, 0);
const wrk = fs.readFileSync(wrkFile, 'utf8');
const done = Number((/(\d+) requests in/.exec(wrk) || [])[1]);
const rps = (/Requests\/sec:\s+([\d.]+)/.exec(wrk) || [])[1];
const short = served - spans;
const summary = `served ${served} (wrk completed ${done}, ${rps}/s), SERVER spans ${spans} (${partial} partial), ` +
  `histogram ${hist}, lost in kernel ${lost} (${gaps} gaps), lost state ${state}, spans dropped ${dropped}`;
const fails = [];
if (!(served > 1000)) fails.push('too few requests served');
if (bad) fails.push(`${bad} spans with the wrong path or status, not flagged partial`);
if (closed) fails.push(`${closed} spans given up as connection_closed`);
if (short < 0) fails.push('more spans than requests');
// requests nginx logged that wrk never completed: it closed those
// connections with the responses in flight (response_aborted, partial)
const inflight = Math.max(0, served - done);
if (short + partial > lost + state + dropped + inflight)
  fails.push(`${short} requests missing and ${partial} partial: more than the losses reported`);
if (lost < minLost) fails.push(`fewer losses than forced (${minLost})`);
if (minLost && !gaps) fails.push('losses forced but no gap found');
if (!lost && !state && !dropped && (short !== 0 || hist !== served)) fails.push('a shortfall with no loss reported');
if (fails.length) { console.log(`FAIL ${name}: ${fails.join('; ')}: ${summary}`); process.exit(1); }
console.log(`PASS ${name}: ${summary}`);
