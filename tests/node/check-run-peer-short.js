'use strict';
// Checks what `rawtel run --probes http --pid SERVER --output DIR` wrote
// while tests/integ/peer_short.py made short connections to node's http
// and https servers (tests/integ/peer_short.js, accepting without the
// peer's sockaddr): one SERVER span per request, each with its client's
// real address and port, or (where rawtel could not have them: STRICT 0)
// with rawtel.http.partial peer_unknown and no peer at all; never a wrong
// one.
//   node check-run-peer-short.js NAME OUT_DIR SCENARIO.json
// SCENARIO: { pid, strict, reqs: [[path, the client's local port], ...] }
const { scenarioCheck } = require('./otlp-read.js');

const { sc, spans, check, done } = scenarioCheck();
const SERVER = 2;
const mine = spans.filter((x) => x.res['process.pid'] === sc.pid && x.s.kind === SERVER);
const want = new Map(sc.reqs);
check(mine.length === sc.reqs.length, `${mine.length} SERVER spans for ${sc.reqs.length} requests`);
const seen = new Set();
let unknown = 0;
for (const { a } of mine) {
  const p = a['url.path'], port = want.get(p), tls = p.startsWith('/https/');
  check(port !== undefined && !seen.has(p), `a span for ${p}`);
  seen.add(p);
  check(a['http.response.status_code'] === 200 && a['url.scheme'] === (tls ? 'https' : 'http') &&
    !a['rawtel.tls.binding'], `${p}: ${JSON.stringify(a)}`);
  const part = (a['rawtel.http.partial'] || '').split(',');
  if (part.includes('peer_unknown')) {
    unknown++;
    check(!sc.strict && ['client.address', 'client.port', 'network.peer.address', 'network.peer.port']
      .every((k) => a[k] === undefined), `${p} peer_unknown: ${JSON.stringify(a)}`);
  } else {
    check(a['client.address'] === '127.0.0.1' && a['client.port'] === port &&
      a['network.peer.address'] === '127.0.0.1' && a['network.peer.port'] === port,
    `${p} (client port ${port}): ${JSON.stringify(a)}`);
  }
}
if (unknown) console.log(`${unknown} of ${mine.length} spans with peer_unknown`);
done();
