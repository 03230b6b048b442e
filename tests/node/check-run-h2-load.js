'use strict';
// The accounting of tests/integ/run_h2_load.sh: nghttpd's SERVER spans that
// rawtel exported against the streams h2load completed (its own count), and
// the losses rawtel reported (its last self-metrics export). Every span is
// right (GET /hello.txt, 200, HTTP/2) or says what it missed
// (rawtel.http.partial): a stream is never reported with another's
// request or status. With nothing lost in the kernel or in export, every
// stream is exactly one span or one stream counted unseen or queue_full
// (the capture cut short: h2load's requests past --capture-bytes); with
// kernel losses, the streams missing are at most STREAMS (h2load's -m)
// per record lost.
//   node check-run-h2-load.js NAME BODIES_DIR NGHTTPD_PID H2LOAD_OUTPUT STREAMS [MIN_LOST]
const fs = require('fs');
const { readBodies: load } = require('./otlp-read.js');

const [name, dir, pidStr, outFile, streamsStr, minLostStr] = process.argv.slice(2);
const STREAMS = Number(streamsStr);
const pid = Number(pidStr), minLost = Number(minLostStr || 0);
const { spans, metrics, self } = load(dir);
const mine = spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === 2);
let partial = 0, bad = 0;
for (const { s, a } of mine) {
  if (a['rawtel.http.partial']) partial++;
  else if (s.name !== 'GET /hello.txt' || a['url.path'] !== '/hello.txt' || a['http.response.status_code'] !== 200 ||
    a['network.protocol.version'] !== '2') bad++;
}
const hist = metrics.filter((x) => x.res['process.pid'] === pid && x.m.name === 'http.server.request.duration');
const points = hist.length ? hist[hist.length - 1].m.histogram.dataPoints.reduce((n, p) => n + Number(p.count), 0) : 0;
const h2 = (e) => self('rawtel.proto.events', { protocol: 'http2', event: e });
const lost = self('rawtel.events.lost', { probe: 'http' }) + self('rawtel.events.lost', { probe: 'unknown' });
const state = ['lost_state', 'reorder_late', 'gap_late'].reduce((n, e) => n + self('rawtel.http.events', { event: e }), 0);
const gaps = self('rawtel.http.events', { event: 'gap' });
const given = h2('given_up') + h2('queue_full');
// streams whose request headers were in bytes not captured, never reported
const unseen = h2('unseen');
// framing lost in a capture cut short (gaps): spans after it say what
// they missed (partial), never a wrong name
const cut = h2('sync_lost');
const dropped = self('rawtel.records.dropped', { signal: 'traces' });
// spans handed to the exporter, and export requests dropped (a queue full)
const items = self('rawtel.export.items', { signal: 'traces' });
const reqDrops = ['queue_full', 'spool_full', 'rejected', 'too_large', 'spool_bad', 'io', 'shutdown'].reduce(
  (n, r) => n + self('rawtel.export.dropped', { signal: 'traces', reason: r }), 0);
const out = fs.readFileSync(outFile, 'utf8');
const m = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed/.exec(out) || [];
const total = Number(m[1]), done = Number(m[3]), ok = Number(m[4]);
const rps = (/finished in [^,]+, ([\d.]+) req\/s/.exec(out) || [])[1];
// streams against spans made (exported or dropped in export, counted)
const short = ok - Math.max(mine.length, items);
const summary = `h2load ${ok}/${total} succeeded (${rps} req/s), SERVER spans ${mine.length} (${partial} partial), ` +
  `histogram ${points}, lost in kernel ${lost} (${gaps} gaps), lost state ${state}, http2 given up/queue full ${given}, ` +
  `framing lost ${cut}, unseen ${unseen}, no_request ${h2('no_request')}, no_response ${h2('no_response')}, spans dropped ${dropped}, ` +
  `spans handed to export ${items} (requests dropped ${reqDrops})`;
const fails = [];
if (!(ok >= 1000) || done !== total) fails.push('h2load did not complete its requests');
if (bad) fails.push(`${bad} spans with the wrong path, status or version, not flagged partial`);
if (short < 0) fails.push('more spans than streams');
if (items < mine.length || (items > mine.length && !reqDrops)) fails.push('spans exported and received differ, no export drop counted');
// one lost record (a read or write of h2load's connection) holds at most
// the streams in flight on it (-m): missing streams are bounded by that;
// after a loss, HPACK state may be gone for the rest of the connection:
// those spans are flagged (fields_unknown), never named wrong
const losses = lost + state + given + dropped + unseen;
if (short > STREAMS * losses) fails.push(`${short} streams missing: more than ${STREAMS} per loss counted`);
if (partial && !losses && !cut) fails.push(`${partial} partial spans with no loss counted`);
if (lost < minLost) fails.push(`fewer losses than forced (${minLost})`);
if (!lost && !state && !given && !dropped && !unseen && !cut && (short !== 0 || partial !== 0 || points !== ok))
  fails.push('a shortfall with no loss counted');
// nothing lost in the kernel or in export: every stream is exactly a span
// or one counted loss (unseen, queue full)
if (!lost && !state && !h2('given_up') && !dropped && !reqDrops && short !== unseen + h2('queue_full'))
  fails.push(`${short} streams missing, ${unseen + h2('queue_full')} counted (unseen, queue full)`);
if (fails.length) { console.log(`FAIL ${name}: ${fails.join('; ')}: ${summary}`); process.exit(1); }
console.log(`PASS ${name}: ${summary}`);
