'use strict';
// Checks the spans and the dns.lookup.duration histogram `rawtel run
// --probes dns --uprobe BIN:rtt_target_fn` exported while tests/progs/rtt_dns
// ran, decoded by the OpenTelemetry project's generated code.
//   node check-run-spans.js NAME BODIES_DIR RUN.json N
const fs = require('fs');
const { attrs, readBodies } = require('./otlp-read.js');

const [name, dir, runFile, nStr] = process.argv.slice(2);
const N = Number(nStr);
const run = JSON.parse(fs.readFileSync(runFile, 'utf8'));
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };

const { spans, metrics } = readBodies(dir);
const hists = metrics.filter((x) => x.m.name === 'dns.lookup.duration');
const mine = spans.filter((x) => x.res['process.pid'] === run.pid);
check(mine.every((x) => x.res['process.executable.name'] === 'rtt_dns' && x.res['service.name'] === 'rtt_dns'),
  'resource of rtt_dns spans: ' + JSON.stringify(mine.length && mine[0].res));
const dns = mine.filter((x) => x.s.name === 'DNS lookup');
check(dns.every((x) => x.s.kind === 3), 'DNS spans must be CLIENT');
const ok = dns.filter((x) => x.a['dns.question.name'] === 'localhost');
check(ok.length === N + 1, `localhost lookups: ${ok.length}, want ${N + 1}`);
check(ok.filter((x) => x.a['rawtel.dns.function'] === 'gethostbyname').length === 1, 'one gethostbyname span');
check(ok.every((x) => !x.s.status || !x.s.status.code), 'successful lookups must not be errors');
const bad = dns.filter((x) => x.a['dns.question.name'] === 'rtt-no-such-host.invalid');
check(bad.length === N && bad.every((x) => x.s.status && x.s.status.code === 2 && x.s.status.message === 'EAI_NONAME' &&
  x.a['error.type'] === 'EAI_NONAME'), `failed lookups: ${JSON.stringify(bad.map((x) => [x.s.status, x.a['error.type']]))}`);
const fn = mine.filter((x) => x.s.name === 'rtt_target_fn');
check(fn.length === N && fn.every((x) => x.s.kind === 1 && x.a['code.function.name'] === 'rtt_target_fn' &&
  /\/rtt_dns$/.test(x.a['code.file.path'])), `rtt_target_fn spans: ${fn.length}, want ${N} INTERNAL`);
check(JSON.stringify(fn.map((x) => x.a['rawtel.return_value']).sort((p, q) => p - q)) ===
  JSON.stringify(Array.from({ length: N }, (_, i) => 2 * i + 1)), 'return values: ' + fn.map((x) => x.a['rawtel.return_value']));
const ids = new Set();
for (const { s } of mine) {
  check(/^[0-9a-f]{32}$/.test(s.traceId) && !/^0+$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId) &&
    !/^0+$/.test(s.spanId), `ids ${s.traceId}/${s.spanId}`);
  check(!s.parentSpanId, 'root spans have no parent');
  check(BigInt(s.startTimeUnixNano) <= BigInt(s.endTimeUnixNano) &&
    BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano) < 2000000000n, 'span times');
  ids.add(s.spanId);
  if (fails.length > 6) break;
}
check(ids.size === mine.length, 'span ids are unique');
// the histogram of the semantic conventions, per process, by name and error
const bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const h = hists.filter((x) => x.res['process.pid'] === run.pid);
check(h.length > 0, 'no dns.lookup.duration for the process');
const last = h.length ? h[h.length - 1].m : null;
if (last) {
  check(last.unit === 's' && last.histogram && last.histogram.aggregationTemporality === 2, 'histogram shape');
  const pts = last.histogram.dataPoints;
  const okp = pts.find((p) => attrs(p.attributes)['dns.question.name'] === 'localhost');
  const badp = pts.find((p) => attrs(p.attributes)['error.type'] === 'EAI_NONAME');
  check(okp && Number(okp.count) === N + 1 && !('error.type' in attrs(okp.attributes)), 'localhost point: ' + JSON.stringify(okp));
  check(badp && Number(badp.count) === N && attrs(badp.attributes)['dns.question.name'] === 'rtt-no-such-host.invalid',
    'failure point: ' + JSON.stringify(badp));
  for (const p of [okp, badp].filter(Boolean)) {
    check(JSON.stringify(p.explicitBounds) === JSON.stringify(bounds), 'bounds ' + JSON.stringify(p.explicitBounds));
    check(p.bucketCounts.reduce((x, y) => x + Number(y), 0) === Number(p.count) && p.sum > 0 && p.min > 0 && p.max >= p.min,
      'buckets/sum/min/max ' + JSON.stringify(p));
  }
}
if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 6).join('; ')}`); process.exit(1); }
console.log(`PASS ${name} (${mine.length} spans, ${h.length} histogram exports)`);
