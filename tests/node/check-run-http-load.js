'use strict';
// The accounting of tests/integ/run_http_load.sh: nginx's SERVER spans that
// rawtel exported against the requests nginx served, and what rawtel says
// it lost (its last self-metrics export). Every span is right (the path
// wrk asked for, status 200) or says what it missed (rawtel.http.partial):
// records lost in the kernel are found by stream offset and fed as gaps,
// so a loss never pairs a response with the wrong request. Spans missing
// and spans flagged together are no more than the losses reported.
// SCHEME https (nginx over TLS, the plaintext from the libssl uprobes):
// every span also says https and has the peer's address (each TLS call
// tied to its socket), never an unproven binding; the peer is checked
// in every run where no loss is forced.
//   node check-run-http-load.js NAME BODIES_DIR NGINX_PID SERVED WRK_OUTPUT [MIN_LOST [SCHEME]]
const fs = require('fs');
const { readBodies } = require('./otlp-read.js');

const [name, dir, pidStr, servedStr, wrkFile, minLostStr, schemeArg] = process.argv.slice(2);
const scheme = schemeArg || 'http';
const pid = Number(pidStr), served = Number(servedStr), minLost = Number(minLostStr || 0);
const { spans: all, metrics, self, selfSum } = readBodies(dir);
const mine = all.filter((x) => x.res['process.pid'] === pid && x.s.kind === 2);
let partial = 0, bad = 0, closed = 0, peer = 0, peerless = 0;
for (const { a } of mine) {
  // with losses forced, a connection whose accept was lost has no peer:
  // its spans say peer_unknown and carry no address (never a guessed
  // one). That one lost record (counted) leaves every request of the
  // connection whole otherwise, so those spans are checked like the
  // rest and do not count as partial against the losses.
  const missed = String(a['rawtel.http.partial'] || '').split(',').filter((x) => x);
  const noPeer = missed.includes('peer_unknown');
  if (noPeer) peerless++;
  if (a['url.scheme'] !== scheme || a['rawtel.tls.binding'] || (!minLost && a['network.peer.address'] !== '127.0.0.1') ||
      (noPeer && a['network.peer.address'] !== undefined)) peer++;
  if (missed.some((x) => x !== 'peer_unknown')) partial++;
  else if (a['url.path'] !== '/static/hello.txt' || a['http.response.status_code'] !== 200) bad++;
  if (a['error.type'] === 'connection_closed' && !a['rawtel.http.partial']) closed++;
}
const spans = mine.length;
// the last export of the histogram
const hs = metrics.filter((x) => x.res['process.pid'] === pid && x.m.name === 'http.server.request.duration');
const hist = hs.length ? hs[hs.length - 1].m.histogram.dataPoints.reduce((x, p) => x + Number(p.count), 0) : 0;
const lost = self('rawtel.events.lost', { probe: 'http' }) + self('rawtel.events.lost', { probe: 'unknown' });
const state = ['lost_state', 'reorder_late', 'gap_late'].reduce((n, e) => n + self('rawtel.http.events', { event: e }), 0);
const gaps = self('rawtel.http.events', { event: 'gap' });
const dropped = self('rawtel.records.dropped', { signal: 'traces' }) + selfSum('rawtel.export.dropped', { signal: 'traces' });
const wrk = fs.readFileSync(wrkFile, 'utf8');
const done = Number((/(\d+) requests in/.exec(wrk) || [])[1]);
const rps = (/Requests\/sec:\s+([\d.]+)/.exec(wrk) || [])[1];
const short = served - spans;
const summary = `served ${served} (wrk completed ${done}, ${rps}/s), SERVER spans ${spans} (${partial} partial, ${peerless} without a peer), ` +
  `histogram ${hist}, lost in kernel ${lost} (${gaps} gaps), lost state ${state}, spans dropped ${dropped}`;
const fails = [];
if (!(served > 1000)) fails.push('too few requests served');
if (bad) fails.push(`${bad} spans with the wrong path or status, not flagged partial`);
if (peer) fails.push(`${peer} spans not ${scheme}, or without the peer's address and not saying so`);
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
