'use strict';
// Checks what `rawtel run --probes http --pid DRIVER --output DIR` wrote
// while tests/integ/tls_membio.js drove HTTPS through memory BIOs: node's
// client to node's server and to an asyncio server (each two requests on
// one connection), and tls_memonly.py's two exchanges with no socket.
//   node check-run-tls-membio.js NAME OUT_DIR SCENARIO.json
const { scenarioCheck } = require('./otlp-read.js');

const { sc, spans, self, check, done } = scenarioCheck();
const SERVER = 2, CLIENT = 3;
const of = (pid, kind) => spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind);
const short = (l) => JSON.stringify(l.map((x) => [x.s.name, x.a['url.path'] || x.a['url.full'],
  x.a['http.response.status_code'], x.a['client.port'] || x.a['network.peer.port'], x.a['rawtel.tls.binding']]));
const exact = (l, f, want, what) => check(JSON.stringify(l.map(f).sort()) === JSON.stringify(want.sort()),
  `${what}: ${short(l)}`);
const status = (p) => (p.endsWith('/missing') ? 404 : 200);

// proven: each span has its connection's peer and handshake facts
function server(who, l, pre, port) {
  exact(l, (x) => `${x.a['url.path']} ${x.a['http.response.status_code']}`,
    [`${pre}/hello 200`, `${pre}/missing 404`], `${who} SERVER spans`);
  for (const { a } of l)
    check(a['url.scheme'] === 'https' && a['client.address'] === '127.0.0.1' && a['client.port'] === port &&
      a['network.peer.port'] === port && a['tls.protocol.version'] === '1.3' && !a['rawtel.tls.binding'],
    `${who} ${a['url.path']}: ${JSON.stringify(a)}`);
}
server('node', of(sc.node, SERVER), '/n', sc.n_local);
server('asyncio', of(sc.py, SERVER), '/p', sc.p_local);
const nc = of(sc.node, CLIENT);
exact(nc, (x) => x.a['url.full'], ['/n/hello', '/n/missing'].map((p) => `https://127.0.0.1:${sc.n_port}${p}`)
  .concat(['/p/hello', '/p/missing'].map((p) => `https://127.0.0.1:${sc.p_port}${p}`)), 'node CLIENT spans');
for (const { a } of nc) {
  const port = a['url.full'].includes('/n/') ? sc.n_port : sc.p_port;
  check(a['network.peer.address'] === '127.0.0.1' && a['network.peer.port'] === port && a['server.port'] === port &&
    a['http.response.status_code'] === status(a['url.full']) && a['tls.protocol.version'] === '1.3' &&
    !a['rawtel.tls.binding'], `node CLIENT ${a['url.full']}: ${JSON.stringify(a)}`);
}

// unproven (no socket): exact exchanges, said so, no peer, no port
const ms = of(sc.mem, SERVER), mc = of(sc.mem, CLIENT);
exact(ms, (x) => `${x.a['url.path']} ${x.a['http.response.status_code']}`, ['/mem 200', '/mem/missing 404'],
  'in-memory SERVER spans');
exact(mc, (x) => `${x.a['url.full']} ${x.a['http.response.status_code']}`,
  ['https://mem.test/mem 200', 'https://mem.test/mem/missing 404'], 'in-memory CLIENT spans');
const peerless = ['client.address', 'client.port', 'network.peer.address', 'network.peer.port', 'server.port',
  'tls.protocol.version'];
for (const { a } of ms.concat(mc))
  check(a['rawtel.tls.binding'] === 'unproven' && peerless.every((k) => a[k] === undefined),
    `in-memory ${a['url.path'] || a['url.full']}: ${JSON.stringify(a)}`);

const ev = (e) => self('rawtel.http.events', { event: e });
check(ev('tls') > 0 && ev('tls_unbound') >= 8, `TLS records bound ${ev('tls')}, unbound ${ev('tls_unbound')}`);

done();
