'use strict';
// Checks what `rawtel run --probes http` exported while
// tests/integ/run_h2.sh drove HTTP/2 and gRPC peers, every request decoded
// by the OpenTelemetry project's generated code (otlp-decode.js).
//   node check-run-h2.js NAME BODIES_DIR SCENARIO.json
const fs = require('fs');
const { attrs, readBodies } = require('./otlp-read.js');

const [name, dir, scenFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };
const hex = (b) => Buffer.from(b || '', 'base64').toString('hex');

const { spans, metrics } = readBodies(dir);
// span ids as hex whatever the decoder gives (base64 or hex)
const id = (v) => (typeof v === 'string' && /^[0-9a-f]+$/.test(v) ? v : hex(v));
const of = (pid, kind) => spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind);
const SERVER = 2, CLIENT = 3, ERROR = 2;
const short = (l) => JSON.stringify(l.map((x) => [x.s.name, x.a['url.path'] || x.a['url.full'] || x.a['rpc.method'],
  x.a['http.response.status_code'] || x.a['rpc.response.status_code'], x.a['rawtel.http.partial']]));

// nghttp -> nghttpd: three concurrent streams, in the caller's trace
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736', PARENT = '00f067aa0ba902b7';
const ngS = of(sc.nghttpd, SERVER), ngC = of(sc.nghttp, CLIENT);
for (const [who, l] of [['nghttpd', ngS], ['nghttp', ngC]]) {
  const got = l.map((x) => `${x.a['url.path'] || x.a['url.full']} ${x.a['http.response.status_code']}`).sort();
  const base = who === 'nghttp' ? `http://127.0.0.1:${sc.ng_port}` : '';
  check(JSON.stringify(got) === JSON.stringify([`${base}/big.txt 200`, `${base}/index.html 200`, `${base}/missing 404`]),
    `${who} spans: ${short(l)}`);
  for (const { s, a } of l) {
    check(id(s.traceId) === TRACE && id(s.parentSpanId) === PARENT, `${who}: in the caller's trace ${id(s.traceId)}`);
    check(a['network.protocol.version'] === '2' && a['http.request.method'] === 'GET' && a['url.scheme'] === 'http' &&
      (!a['rawtel.http.partial'] || a['rawtel.http.partial'] === 'response_end'), `${who} attributes ${JSON.stringify(a)}`);
    check(s.name === (who === 'nghttpd' ? `GET ${a['http.route']}` : 'GET'), `${who} name ${s.name}`);
    const st = a['http.response.status_code'];
    const err = who === 'nghttp' ? st >= 400 : st >= 500;
    check(err ? s.status && s.status.code === ERROR && a['error.type'] === String(st) : !a['error.type'],
      `${who} status ${st}: ${JSON.stringify(s.status)}`);
  }
}
const big = ngS.find((x) => x.a['url.path'] === '/big.txt');
check(big && (big.a['http.response.body.size'] === 40000 || big.a['rawtel.http.partial'] === 'response_end'),
  'the 40000-byte body');

// curl --http2 with an h2c Upgrade: stream 1 is the upgraded request
// (the server was blocked in accept() when rawtel started: that accept's
// connection is followed too)
const upS = of(sc.up_server, SERVER), upC = of(sc.up_client, CLIENT);
check(JSON.stringify(upS.map((x) => x.a['url.path']).sort()) === '["/second","/up.txt"]', 'upgrade server ' + short(upS));
check(JSON.stringify(upC.map((x) => x.a['url.full']).sort()) ===
  JSON.stringify([`http://127.0.0.1:${sc.up_port}/second`, `http://127.0.0.1:${sc.up_port}/up.txt`]), 'upgrade client ' + short(upC));
for (const { a } of [...upS, ...upC])
  check(a['network.protocol.version'] === '2' && a['http.response.status_code'] === 200, 'upgraded: ' + JSON.stringify(a));

// the h2c proxy's HTTP/1 call while serving is its request's child
const pxS = of(sc.proxy, SERVER), pxC = of(sc.proxy, CLIENT), beS = of(sc.backend, SERVER);
check(pxS.length === 1 && pxS[0].a['url.path'] === '/proxy' && pxS[0].a['network.protocol.version'] === '2' &&
  pxS[0].a['http.response.status_code'] === 200, 'proxy SERVER span ' + short(pxS));
check(pxC.length === 1 && pxS.length === 1 && id(pxC[0].s.traceId) === id(pxS[0].s.traceId) &&
  id(pxC[0].s.parentSpanId) === id(pxS[0].s.spanId) && pxC[0].a['network.protocol.version'] === '1.1',
  'proxy CLIENT span the child of its SERVER span: ' + short(pxC));
// (urllib sends no traceparent: the backend's span starts its own trace)
check(beS.length === 1 && beS[0].a['url.path'] === '/index.html', 'backend span ' + short(beS));

// gRPC: every header block decoded (python3-grpcio's first one is a
// sendmsg of 26 iovecs), names and statuses exact
const SVC = 'rawtel.test.Demo/';
const want = { Echo: 'OK', Count: 'OK', Fail: 'NOT_FOUND', Slow: 'DEADLINE_EXCEEDED' };
// Slow's 0.2 s deadline (grpc-timeout 200m or 201m) races: the server's
// DEADLINE_EXCEEDED trailers, or the client's RST_STREAM(CANCEL) first.
// A cancel is DEADLINE_EXCEEDED once the timeout less rawtel's slack
// (1 ms + 1/64 of it: h2_grpc_status) has passed at that side, CANCELLED
// before: so DEADLINE_EXCEEDED after at least 0.2 s less the slack,
// CANCELLED only before 0.201 s less it.
const slack = (t) => t - 0.001 - t / 64;
const slowOk = (st, dur) => (st === 'DEADLINE_EXCEEDED' ? dur >= slack(0.2) : st === 'CANCELLED' && dur < slack(0.201));
const dur = (s) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e9;
const gS = of(sc.grpc_server, SERVER), gC = of(sc.grpc_client, CLIENT);
for (const [who, l] of [['server', gS], ['client', gC]])
  check(JSON.stringify(l.map((x) => x.s.name).sort()) === JSON.stringify(Object.keys(want).map((m) => SVC + m).sort()),
    `gRPC ${who} spans ` + short(l));
for (const { s, a } of [...gS, ...gC]) {
  const m = (a['rpc.method'] || '').slice(SVC.length), server = s.kind === SERVER;
  check(a['rpc.system.name'] === 'grpc' && a['network.protocol.version'] === '2' && s.name === a['rpc.method'] &&
    !a['rawtel.http.partial'], 'rpc attributes ' + JSON.stringify(a));
  const st = a['rpc.response.status_code'];
  check(m === 'Slow' ? slowOk(st, dur(s)) : st === want[m], `status ${a['rpc.method']} ${st} after ${dur(s)} s`);
  const err = st && st !== 'OK' && (!server || st === 'DEADLINE_EXCEEDED');
  check(err ? s.status.code === ERROR && a['error.type'] === st : !(s.status && s.status.code === ERROR) && !a['error.type'],
    `error of ${a['rpc.method']} ${st} (${server ? 'server' : 'client'}): ${JSON.stringify(s.status)}`);
}
const fail = gS.find((x) => x.s.name === SVC + 'Fail');
check(fail && fail.a['rpc.response.status_code'] === 'NOT_FOUND' && !(fail.s.status && fail.s.status.code === ERROR),
  'Fail on the server: NOT_FOUND, not a server error');
for (const [who, l] of [['server', gS], ['client', gC]]) {
  const count = l.find((x) => x.s.name === SVC + 'Count');
  check(count && count.a['rawtel.rpc.response.messages'] === 3 && count.a['rawtel.rpc.request.messages'] === 1,
    `Count on the ${who}: 1 message in, 3 out ` + JSON.stringify(count && count.a));
}

// the histograms
const last = (pid, n) => {
  const l = metrics.filter((x) => x.res['process.pid'] === pid && x.m.name === n);
  return l.length ? l[l.length - 1].m : null;
};
const pts = (m) => (m ? m.histogram.dataPoints.map((p) => ({ a: attrs(p.attributes), n: Number(p.count) })) : []);
const hs = pts(last(sc.nghttpd, 'http.server.request.duration'));
// (a stream whose end was not captured makes no point)
const nh = hs.reduce((p, q) => p + q.n, 0);
check(nh >= 1 && nh <= 3 && hs.every((x) => x.a['network.protocol.version'] === '2'),
  'nghttpd histogram ' + JSON.stringify(hs));
const rs = last(sc.grpc_server, 'rpc.server.call.duration');
check(rs && rs.unit === 's', 'rpc.server.call.duration');
const rp = pts(rs);
check(rp.some((x) => x.a['rpc.method'] === SVC + 'Fail' && x.a['rpc.response.status_code'] === 'NOT_FOUND' &&
  x.a['rpc.system.name'] === 'grpc'), 'rpc server points ' + JSON.stringify(rp.map((x) => x.a)));
check(pts(last(sc.grpc_client, 'rpc.client.call.duration')).length > 0, 'rpc.client.call.duration');

if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 8).join('; ')}`); process.exit(1); }
console.log(`PASS ${name} (${spans.length} spans)`);
