'use strict';
// The accounting of tests/integ/run_db_redis_load.sh: redis-benchmark's
// CLIENT spans against the commands it sent, and what rawtel says it lost
// (its last self-metrics export). A command beyond the parser's pipeline
// bound is counted (rawtel.proto.events queue_full) and its reply becomes a
// span flagged request_not_seen: the spans of whole commands plus those
// are the commands sent, unless rawtel reports losses that cover the
// shortfall.
//   node check-run-db-redis-load.js OUT_DIR SCENARIO.json
const fs = require('fs');
const { attrs, readJsonl } = require('./otlp-read.js');

const [dir, scenFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
const runs = new Map(sc.runs.map((r) => [r.pid, { ...r, set: 0, get: 0, noreq: 0, partial: 0, other: [], hist: new Map() }]));
const { spans, metrics, self } = readJsonl(dir);
for (const { res, s, a } of spans) {
  const r = runs.get(res['process.pid']);
  const op = a['db.operation.name'] || '';
  if (!r || s.kind !== 3 || a['db.system.name'] !== 'redis' || op.startsWith('CONFIG')) continue;
  const part = a['rawtel.db.partial'] || '';
  if (!part && op === 'SET' && a['db.query.text'] === 'SET ? ?') r.set++;
  else if (!part && op === 'GET' && a['db.query.text'] === 'GET ?') r.get++;
  else if (part === 'request_not_seen' && !op && !a['db.query.text']) r.noreq++;
  // what records lost in the kernel leave: flagged, never another op
  else if (part && (op === 'SET' || op === 'GET' || !op)) r.partial++;
  else r.other.push([s.name, a]);
}
for (const { res, m } of metrics) {
  const r = runs.get(res['process.pid']);
  if (r && m.name === 'db.client.operation.duration')
    for (const p of m.histogram.dataPoints) r.hist.set(JSON.stringify(attrs(p.attributes)), Number(p.count));
}
const get = self;
const lost = get('rawtel.events.lost', { probe: 'redis' });
const ev = (e) => get('rawtel.proto.events', { protocol: 'redis', event: e });
const queueFull = ev('queue_full'), gapBytes = ev('gap_bytes');
const dropped = get('rawtel.records.dropped', { signal: 'traces' });
const losses = lost + dropped;

let fails = 0, noreqAll = 0;
for (const r of runs.values()) {
  const name = `run_db_redis_load_p${r.pipeline}`;
  const whole = r.set + r.get;
  const hist = [...r.hist.entries()].filter(([k]) => !k.includes('CONFIG')).reduce((s, [, c]) => s + c, 0);
  const sum = `${r.ops} commands: ${r.set} SET + ${r.get} GET spans, ${r.noreq} replies without request, ` +
    `${r.partial} partial, ` +
    `histogram ${hist}; rawtel lost ${lost} records (${gapBytes} gap bytes), dropped ${dropped} spans, ` +
    `queue_full ${queueFull}`;
  const f = [];
  noreqAll += r.noreq;
  if (r.other.length) f.push(`${r.other.length} other spans: ${JSON.stringify(r.other.slice(0, 2))}`);
  if (whole + r.noreq + r.partial > r.ops + (losses ? r.ops : 0)) f.push('more spans than commands');
  if (!losses && (whole + r.noreq !== r.ops || r.partial)) f.push('a shortfall or partial spans with no loss reported');
  if (!losses && r.set !== r.get) f.push('SET and GET spans differ');
  // within the bound every command pairs with its reply; beyond it the
  // overflow is certain (a pipeline of 64 on each connection)
  if (r.pipeline <= 32 && !losses && r.noreq) f.push('replies without request within the pipeline bound');
  if (r.pipeline > 32 && !r.noreq) f.push('no overflow reported beyond the pipeline bound');
  if (!losses && hist !== whole) f.push('histogram samples are not the whole commands');
  if (f.length) { fails++; console.log(`FAIL ${name}: ${f.join('; ')}: ${sum}`); } else console.log(`PASS ${name}: ${sum}`);
}
// every reply without its request is a command counted beyond the bound
if (!losses && noreqAll !== queueFull) {
  fails++;
  console.log(`FAIL run_db_redis_load_overflow: ${noreqAll} replies without request, queue_full ${queueFull}`);
} else console.log(`PASS run_db_redis_load_overflow: ${noreqAll} replies without request, queue_full ${queueFull}`);
process.exit(fails ? 1 : 0);
