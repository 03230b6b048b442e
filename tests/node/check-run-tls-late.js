'use strict';
// Checks what `rawtel run --probes http --pid DRIVER --output DIR` wrote
// while tests/integ/run_tls_late.sh drove HTTPS to a node server and a
// python3 server (on a libssl copy) that started after rawtel, each from
// curl: two requests on one connection.
//   node check-run-tls-late.js NAME OUT_DIR SCENARIO.json
const { scenarioCheck } = require('./otlp-read.js');

const { sc, spans, self, check, done } = scenarioCheck();
const SERVER = 2, CLIENT = 3;
const short = (l) => JSON.stringify(l.map((x) => [x.s.name, x.a['url.path'] || x.a['url.full'],
  x.a['http.response.status_code'], x.a['client.port'] || x.a['network.peer.port']]));
const status = (p) => (p.endsWith('/missing') ? 404 : 200);

// each server's spans: its two requests, from curl's one connection
function server(who, pid, pre, local) {
  const l = spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === SERVER);
  const got = l.map((x) => `${x.a['url.path']} ${x.a['http.response.status_code']}`).sort();
  check(JSON.stringify(got) === JSON.stringify([`${pre}/hello 200`, `${pre}/missing 404`]),
    `${who} SERVER spans: ${short(l)}`);
  check(local.length === 2 && local[0] === local[1], `${who}: curl's local ports ${local}`);
  for (const { a } of l)
    check(a['url.scheme'] === 'https' && a['client.address'] === '127.0.0.1' && a['client.port'] === local[0] &&
      a['network.peer.port'] === local[0] && !a['rawtel.tls.binding'], `${who} ${a['url.path']}: ${JSON.stringify(a)}`);
}
server('node', sc.node, '/n', sc.n_local);
server('python', sc.py, '/p', sc.p_local);

// curl's: the two URLs of each server, with the server as peer
const cl = spans.filter((x) => x.s.kind === CLIENT);
const want = [[sc.n_port, '/n'], [sc.p_port, '/p']].flatMap(([port, pre]) =>
  ['/hello', '/missing'].map((p) => `https://127.0.0.1:${port}${pre}${p}`));
check(JSON.stringify(cl.map((x) => x.a['url.full']).sort()) === JSON.stringify(want.sort()),
  `CLIENT spans: ${short(cl)}`);
for (const { a } of cl) {
  const port = Number(a['url.full'].split(':')[2].split('/')[0]);
  check(a['network.peer.address'] === '127.0.0.1' && a['network.peer.port'] === port && a['server.port'] === port &&
    a['http.response.status_code'] === status(a['url.full']) && !a['rawtel.tls.binding'],
  `CLIENT ${a['url.full']}: ${JSON.stringify(a)}`);
}

// the two files probed late (a line each), none failed
const libs = (r) => self('rawtel.tls.libraries', { result: r });
check(sc.late_lines === 2, `${sc.late_lines} files said probed late, want 2`);
check(libs('attached') >= 2 && libs('failed') === 0, `TLS libraries attached ${libs('attached')}, failed ${libs('failed')}`);

done();
