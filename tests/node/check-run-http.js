'use strict';
// Checks what `rawtel run --probes http --route /api/{file}` exported while
// tests/integ/run_http.sh drove nginx (files, a proxy to python3 -m
// http.server), every request decoded by the OpenTelemetry project's
// generated code (otlp-decode.js).
//   node check-run-http.js NAME BODIES_DIR SCENARIO.json
const fs = require('fs');
const { attrs, readBodies } = require('./otlp-read.js');

const [name, dir, scenFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };
const ns = (x) => BigInt(x);

const { spans, metrics } = readBodies(dir);
const of = (pid, kind) => spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind);
const ngS = of(sc.nginx, 2), ngC = of(sc.nginx, 3), pyS = of(sc.python, 2);
// the receiver is traced too (every process is), but rawtel's own exports
// to it are not: spans about exports would be exported for ever
const rcvS = of(sc.receiver, 2);
check(rcvS.length === 1 && rcvS[0].a['url.path'] === '/health' && rcvS[0].a['http.response.status_code'] === 404,
  'the receiver: curl\'s GET /health only, none of rawtel\'s exports: ' + JSON.stringify(rcvS.map((x) => x.s.name)));
const byPath = (l, p) => l.filter((x) => x.a['url.path'] === p);

const codes = ['200', '200', '200', '404', '404', '500', ...Array(10).fill('200'), '200', '200', '204', '200'];
check(sc.codes.trim() === codes.join(' '), 'curl status codes: ' + sc.codes);
check(sc.pipe && JSON.stringify(sc.pipe.statuses) === '[200,200,200]', 'pipelined responses: ' + JSON.stringify(sc.pipe));
check(sc.split && JSON.stringify(sc.split.statuses) === '[200]', 'split request: ' + JSON.stringify(sc.split));
check(ngS.length && ngS.every((x) => x.res['process.executable.name'] === 'nginx' && x.res['service.name'] === 'nginx'),
  'nginx resource: ' + JSON.stringify(ngS[0] && ngS[0].res));

// exactly the requests nginx served (its access log), as SERVER spans
const want = { '/static/hello.txt': 2, '/api/data.txt': 1, '/api/data2.txt': 1, '/static/missing.txt': 1,
  '/api/missing.txt': 1, '/fail': 1, '/static/ka.txt': 10, '/static/p1.txt': 1, '/static/p2.txt': 1,
  '/static/p3.txt': 1, '/gz/text.txt': 1, '/static/split.txt': 1, '/static/big.bin': 1, '/upload': 1 };
const total = Object.values(want).reduce((p, q) => p + q, 0);
check(ngS.length === total && sc.access_lines === total,
  `nginx SERVER spans ${ngS.length}, access log ${sc.access_lines}, want ${total}: ` +
  JSON.stringify(ngS.map((x) => x.a['url.path'])));
for (const [p, n] of Object.entries(want))
  check(byPath(ngS, p).length === n, `nginx ${p}: ${byPath(ngS, p).length} spans, want ${n}`);

// semantic conventions on every nginx SERVER span
for (const x of ngS) {
  const { s, a } = x;
  const route = a['http.route'];
  check(s.name === `${a['http.request.method']} ${route}`, `name ${s.name} for route ${route}`);
  check(a['url.scheme'] === 'http' && a['network.protocol.version'] === '1.1' &&
    a['server.address'] === '127.0.0.1' && a['server.port'] === sc.ng_port &&
    a['client.address'] === '127.0.0.1' && a['network.peer.address'] === '127.0.0.1' &&
    a['client.port'] === a['network.peer.port'] && a['client.port'] > 0, 'server attributes ' + JSON.stringify(a));
  check(BigInt(s.startTimeUnixNano) < BigInt(s.endTimeUnixNano) &&
    ns(s.endTimeUnixNano) - ns(s.startTimeUnixNano) < 5000000000n, 'server span times ' + a['url.path']);
  check(!a['rawtel.http.partial'], 'nothing partial: ' + a['url.path'] + ' ' + a['rawtel.http.partial']);
  const st = a['http.response.status_code'];
  check(st >= 500 ? s.status && s.status.code === 2 && a['error.type'] === String(st)
    : (!s.status || !s.status.code) && !('error.type' in a), `status of ${a['url.path']} (${st})`);
  if (fails.length > 8) break;
}
const one = (p) => byPath(ngS, p)[0] || { s: {}, a: {} };
check(one('/api/data.txt').s.name === 'GET /api/{file}', 'user route: ' + one('/api/data.txt').s.name);
check(one('/static/missing.txt').a['http.response.status_code'] === 404, '404');
check(one('/fail').a['error.type'] === '500' && one('/fail').s.name === 'GET /fail', '500');
check(one('/static/big.bin').a['http.response.body.size'] === 2097152, '2 MB down: ' + one('/static/big.bin').a['http.response.body.size']);
check(one('/upload').a['http.request.body.size'] === 2097152 && one('/upload').a['http.response.status_code'] === 204 &&
  one('/upload').a['http.request.method'] === 'POST', '2 MB up: ' + JSON.stringify(one('/upload').a));
check(one('/gz/text.txt').a['http.response.status_code'] === 200 && one('/gz/text.txt').a['http.response.body.size'] > 0,
  'chunked: ' + JSON.stringify(one('/gz/text.txt').a));
check(one('/static/split.txt').a['user_agent.original'] === 'rtt-http-client', 'split request fields');
const ka = byPath(ngS, '/static/ka.txt');
check(new Set(ka.map((x) => x.a['client.port'])).size === 1, 'keep-alive: one connection');
const pipe = ['/static/p1.txt', '/static/p2.txt', '/static/p3.txt'].map(one);
check(new Set(pipe.map((x) => x.a['client.port'])).size === 1 &&
  pipe[0].s.startTimeUnixNano === pipe[2].s.startTimeUnixNano, 'pipelined: one connection, one read');
check(one('/static/hello.txt').a['url.query'] === undefined, 'no query, no url.query');
const sec = byPath(ngS, '/static/hello.txt').find((x) => x.a['url.query']);
check(sec && sec.a['url.query'] === 'pw=REDACTED', 'query redacted: ' + JSON.stringify(sec && sec.a['url.query']));

// python's SERVER spans: the three proxied requests
check(pyS.length === 3 && ['/data.txt', '/data2.txt', '/missing.txt'].every((p) => byPath(pyS, p).length === 1),
  'python SERVER spans: ' + JSON.stringify(pyS.map((x) => x.a['url.path'])));
check(pyS.every((x) => x.a['network.protocol.version'] === '1.0' && x.a['server.port'] === sc.py_port),
  'python attributes ' + JSON.stringify(pyS[0] && pyS[0].a));

// nginx's CLIENT spans to python, each the child of its SERVER span
check(ngC.length === 3, `nginx CLIENT spans: ${ngC.length}, want 3`);
for (const c of ngC) {
  const p = c.a['url.full'].replace(`http://127.0.0.1:${sc.py_port}`, '');
  const srv = one('/api' + p);
  check(c.s.name === 'GET' && c.a['server.address'] === '127.0.0.1' && c.a['server.port'] === sc.py_port &&
    c.a['network.peer.port'] === sc.py_port, 'client attributes ' + JSON.stringify(c.a));
  check(c.s.traceId === srv.s.traceId && c.s.parentSpanId === srv.s.spanId, `client ${p}: not the child of nginx's span`);
  check(ns(c.s.startTimeUnixNano) >= ns(srv.s.startTimeUnixNano) && ns(c.s.endTimeUnixNano) <= ns(srv.s.endTimeUnixNano),
    `client ${p} not within its server span`);
  const st = c.a['http.response.status_code'];
  check(st === 404 ? c.s.status.code === 2 && c.a['error.type'] === '404' : !c.s.status || !c.s.status.code,
    'client status ' + st);
}
// one trace across curl's header, nginx and python
const tS = one('/api/data.txt'), tP = byPath(pyS, '/data.txt')[0] || { s: {} };
const tC = ngC.find((x) => x.a['url.full'].endsWith('/data.txt')) || { s: {} };
check(tS.s.traceId === sc.trace && tS.s.parentSpanId === sc.parent && tS.s.traceState === 'rt=1' &&
  (tS.s.flags & 0x301) === 0x301, 'nginx continues the traceparent: ' + JSON.stringify(tS.s));
check(tC.s.traceId === sc.trace, 'nginx CLIENT in the trace');
check(tP.s.traceId === sc.trace && tP.s.parentSpanId === sc.parent, 'python continues the forwarded traceparent');
// curl's own CLIENT span: the context of the header it sent
const curl = spans.find((x) => x.res['process.executable.name'] === 'curl' && x.s.kind === 3 &&
  /\/api\/data\.txt$/.test(x.a['url.full'] || ''));
check(curl && curl.s.traceId === sc.trace && curl.s.parentSpanId === sc.parent, 'curl CLIENT span in the trace');
const t2 = one('/api/data2.txt'), p2 = byPath(pyS, '/data2.txt')[0] || { s: {} };
check(t2.s.traceId && t2.s.traceId !== sc.trace && !t2.s.parentSpanId && p2.s.traceId !== t2.s.traceId,
  'without a header: nginx starts a trace (python cannot be joined without injection)');

// the duration histograms (the last export of each is cumulative)
const last = (pid, n) => {
  const l = metrics.filter((x) => x.res['process.pid'] === pid && x.m.name === n);
  return l.length ? l[l.length - 1].m : null;
};
const bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const pts = (m) => (m ? m.histogram.dataPoints.map((p) => ({ p, a: attrs(p.attributes), n: Number(p.count) })) : []);
const hs = last(sc.nginx, 'http.server.request.duration');
check(hs && hs.unit === 's' && hs.histogram.aggregationTemporality === 2, 'nginx server histogram');
const sp = pts(hs);
check(sp.reduce((p, q) => p + q.n, 0) === total, 'nginx server histogram count ' + sp.reduce((p, q) => p + q.n, 0));
for (const { p, a } of sp) {
  check(JSON.stringify(p.explicitBounds) === JSON.stringify(bounds), 'bounds');
  check(a['url.scheme'] === 'http' && a['network.protocol.version'] === '1.1' && a['http.request.method'] &&
    a['http.route'] && !('url.path' in a) && !('client.address' in a), 'server metric attributes ' + JSON.stringify(a));
}
const kaPt = sp.find((x) => x.a['http.route'] === '/static/ka.txt');
check(kaPt && kaPt.n === 10 && kaPt.a['http.response.status_code'] === 200, 'keep-alive point');
const failPt = sp.find((x) => x.a['http.route'] === '/fail');
check(failPt && failPt.a['error.type'] === '500' && failPt.a['http.response.status_code'] === 500, '500 point');
const cp = pts(last(sc.nginx, 'http.client.request.duration'));
check(cp.reduce((p, q) => p + q.n, 0) === 3 && cp.every((x) => x.a['server.address'] === '127.0.0.1' &&
  x.a['server.port'] === sc.py_port && !('http.route' in x.a)), 'nginx client histogram ' + JSON.stringify(cp.map((x) => x.a)));
check(cp.some((x) => x.a['error.type'] === '404' && x.n === 1), 'client 404 point');
const pp = pts(last(sc.python, 'http.server.request.duration'));
check(pp.reduce((p, q) => p + q.n, 0) === 3, 'python histogram count');

if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 8).join('; ')}`); process.exit(1); }
console.log(`PASS ${name} (${ngS.length} nginx SERVER, ${ngC.length} nginx CLIENT, ${pyS.length} python SERVER spans)`);
