'use strict';
// Checks what `rawtel run --probes http` exported while
// tests/integ/run_h2_tls.sh drove HTTP/2 over TLS (ALPN h2): nghttp and
// curl --http2 against nghttpd, curl and a gRPC client against nginx
// (`listen ... ssl http2`) proxying to an HTTP/1 server (proxy_pass) and to
// an h2c gRPC server (grpc_pass). Every request decoded by the OpenTelemetry
// project's code (otlp-spans.js).
//   node check-run-h2-tls.js NAME BODIES_DIR SCENARIO.json
const fs = require('fs');
const { readBodies: load } = require('./otlp-read.js');

const [name, dir, scenFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
const { spans } = load(dir);
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };
// Known gaps of the gRPC server's own spans (README Limits: header blocks
// past the 8 iovecs the kernel walks): printed, checked with RAWTEL_H2_GAPS=1
const gaps = process.env.RAWTEL_H2_GAPS === '1';
const known = (ok, msg) => (gaps ? check(ok, msg) : ok || console.error(`known gap: ${msg}`));
const SERVER = 2, CLIENT = 3, ERROR = 2;
const of = (pid, kind) => spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind);
const short = (l) => JSON.stringify(l.map((x) => [x.s.name, x.a['url.path'] || x.a['url.full'] || x.a['rpc.method'],
  x.a['http.response.status_code'] || x.a['rpc.response.status_code'], x.a['client.port'], x.a['rawtel.http.partial']]));
// nginx's access log: the client port of each request, by path
const ngxPort = (p) => { const l = sc.ngx_log.find((x) => x[1] === p); return l ? l[0] : -1; };
const isErr = (s) => s.status && s.status.code === ERROR;
const sorted = (l, f) => JSON.stringify(l.map(f).sort());
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736', PARENT = '00f067aa0ba902b7';
const GTRACE = '0af7651916cd43dd8448eb211c80319c', GPARENT = 'b7ad6b7169203331';

// An HTTP/2-over-TLS SERVER span: https, version 2, named by its route,
// an error for 5xx only (the END_STREAM of a response written with others
// in one call past --capture-bytes is not seen: response_end, as for
// h2c); its peer the client's port when `port` is given,
// else that or none (an accept without a sockaddr on a connection closed
// before rawtel read the accept: unknown, never wrong)
function server(who, x, port) {
  const { s, a } = x, st = a['http.response.status_code'];
  check(a['url.scheme'] === 'https' && a['network.protocol.version'] === '2' && a['http.request.method'] === 'GET' &&
    (!a['rawtel.http.partial'] || a['rawtel.http.partial'] === 'response_end'), `${who} attributes ${JSON.stringify(a)}`);
  check(s.name === `GET ${a['http.route']}`, `${who} name ${s.name}`);
  check(st >= 500 ? isErr(s) : !isErr(s) && !a['error.type'], `${who} status ${st} ${JSON.stringify(s.status)}`);
  const peer = a['client.address'] === '127.0.0.1' && a['network.peer.address'] === '127.0.0.1' &&
    a['client.port'] === a['network.peer.port'];
  if (port !== undefined) check(peer && a['client.port'] === port, `${who} peer ${a['client.address']}:${a['client.port']}, want port ${port}`);
  else check(a['client.address'] === undefined || (peer && a['client.port'] > 0 && !sc.curl_ports.includes(a['client.port'])),
    `${who} peer ${a['client.address']}:${a['client.port']}`);
}
// A CLIENT span of an https URL on `port`: 4xx and 5xx errors
function client(who, x, port) {
  const { s, a } = x, st = a['http.response.status_code'];
  check(a['url.scheme'] === 'https' && a['network.protocol.version'] === '2' && a['network.peer.address'] === '127.0.0.1' &&
    a['network.peer.port'] === port && a['server.port'] === port && s.name === 'GET' &&
    a['url.full'].startsWith(`https://127.0.0.1:${port}/`), `${who} attributes ${JSON.stringify(a)}`);
  check(st >= 400 ? isErr(s) && a['error.type'] === String(st) : !isErr(s), `${who} status ${st}`);
}

// nghttpd <- nghttp (three streams, a traceparent) and curl (two streams on
// one connection held open by --rate, so rawtel reads its accept in time)
const ndS = of(sc.nghttpd, SERVER), ngC = of(sc.nghttp, CLIENT), cuC = of(sc.curl_nd, CLIENT);
check(sorted(ndS, (x) => `${x.a['url.path']} ${x.a['http.response.status_code']}`) ===
  JSON.stringify(['/big.txt 200', '/index.html 200', '/index.html 200', '/missing 404', '/two.txt 200']),
  'nghttpd spans ' + short(ndS));
for (const x of ndS) {
  const fromCurl = x.a['user_agent.original'] && x.a['user_agent.original'].startsWith('curl/');
  server('nghttpd', x, fromCurl ? sc.curl_ports[0] : undefined);
  if (!fromCurl) check(x.s.traceId === TRACE && x.s.parentSpanId === PARENT, `nghttpd: in the caller's trace ${x.s.traceId}`);
}
check(sorted(ngC, (x) => x.a['url.full']) === JSON.stringify(['/big.txt', '/index.html', '/missing'].map(
  (p) => `https://127.0.0.1:${sc.nd_port}${p}`)), 'nghttp spans ' + short(ngC));
check(sorted(cuC, (x) => x.a['url.full']) === JSON.stringify(['/index.html', '/two.txt'].map(
  (p) => `https://127.0.0.1:${sc.nd_port}${p}`)), 'curl -> nghttpd spans ' + short(cuC));
for (const x of ngC) client('nghttp', x, sc.nd_port);
for (const x of ngC) check(x.s.traceId === TRACE && x.s.parentSpanId === PARENT, 'nghttp: in the caller\'s trace');
for (const x of cuC) client('curl', x, sc.nd_port);

// nginx <- curl over h2: a file, and /up/ proxied to an HTTP/1 server
const ngxS = of(sc.nginx, SERVER), ngxC = of(sc.nginx, CLIENT), beS = of(sc.backend, SERVER);
const webS = ngxS.filter((x) => !x.a['rpc.system.name']), webC = ngxC.filter((x) => !x.a['rpc.system.name']);
check(sorted(webS, (x) => x.a['url.path']) === '["/hello.txt","/up/hello.txt"]', 'nginx HTTP spans ' + short(webS));
for (const x of webS) {
  server('nginx', x, ngxPort(x.a['url.path']));
  check(x.s.traceId === TRACE && x.s.parentSpanId === PARENT, `nginx: in the caller's trace ${x.s.traceId}`);
}
const up = webS.find((x) => x.a['url.path'] === '/up/hello.txt');
check(webC.length === 1 && up && webC[0].s.traceId === TRACE && webC[0].s.parentSpanId === up.s.spanId &&
  webC[0].a['network.protocol.version'] === '1.0' && webC[0].a['url.full'] === `http://127.0.0.1:${sc.be_port}/hello.txt` &&
  webC[0].a['http.response.status_code'] === 200, 'nginx upstream CLIENT span the child of its SERVER span: ' + short(webC));
// nginx forwards the caller's traceparent unchanged (rawtel never rewrites
// bytes): the backend is in the trace, its parent the caller's span
check(beS.length === 1 && beS[0].a['url.path'] === '/hello.txt' && beS[0].s.traceId === TRACE &&
  beS[0].s.parentSpanId === PARENT, 'backend span ' + short(beS));
const cuN = of(sc.curl_ng, CLIENT);
check(sorted(cuN, (x) => x.a['url.full']) === JSON.stringify(['/hello.txt', '/up/hello.txt'].map(
  (p) => `https://127.0.0.1:${sc.ng_port}${p}`)), 'curl -> nginx spans ' + short(cuN));
for (const x of cuN) client('curl', x, sc.ng_port);

// gRPC over TLS through nginx's grpc_pass to an h2c server (the client is
// grpcio with its own TLS library: not read, no CLIENT span of its own)
const SVC = 'rawtel.test.Demo/';
const want = { [SVC + 'Echo']: 'OK', [SVC + 'Fail']: 'NOT_FOUND' };
const rpcS = ngxS.filter((x) => x.a['rpc.system.name']), rpcC = ngxC.filter((x) => x.a['rpc.system.name']);
check(sorted(rpcS, (x) => x.s.name) === JSON.stringify(Object.keys(want)), 'nginx gRPC SERVER spans ' + short(rpcS));
check(sorted(rpcC, (x) => x.s.name) === JSON.stringify(Object.keys(want)), 'nginx gRPC CLIENT spans ' + short(rpcC));
for (const x of rpcS) {
  const { s, a } = x, m = a['rpc.method'];
  check(s.name === m && a['rpc.response.status_code'] === want[m] && !isErr(s) && !a['rawtel.http.partial'] &&
    a['network.protocol.version'] === '2' && a['client.address'] === '127.0.0.1' && a['client.port'] === ngxPort('/' + m) &&
    s.traceId === GTRACE && s.parentSpanId === GPARENT, 'nginx gRPC SERVER ' + JSON.stringify([s.name, s.traceId, a]));
  const c = rpcC.find((y) => y.s.name === m);
  check(c && c.s.traceId === GTRACE && c.s.parentSpanId === s.spanId && c.a['rpc.response.status_code'] === want[m] &&
    c.a['server.port'] === sc.grpc_port && c.a['network.peer.port'] === sc.grpc_port &&
    (want[m] === 'OK' ? !isErr(c.s) : isErr(c.s) && c.a['error.type'] === want[m]),
    `nginx gRPC CLIENT ${m} the child of its SERVER span: ` + JSON.stringify(c && [c.s.parentSpanId, c.a]));
}
const gS = of(sc.grpc_server, SERVER);
check(gS.length === 2, 'gRPC server spans ' + short(gS));
for (const { s, a } of gS) {
  known(s.name === a['rpc.method'] && a['rpc.method'] in want && a['rpc.response.status_code'] === want[s.name] &&
    s.traceId === GTRACE && s.parentSpanId === GPARENT, 'gRPC server span ' + JSON.stringify([s.name, s.traceId, a]));
  check(a['rpc.method'] in want || (a['rpc.method'] === '_OTHER' && /fields_unknown/.test(a['rawtel.http.partial'])),
    'gRPC server span never wrongly named ' + a['rpc.method']);
}

if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 8).join('; ')}`); process.exit(1); }
console.log(`PASS ${name} (${spans.length} spans)`);
