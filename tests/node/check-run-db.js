'use strict';
// Checks what `rawtel run --probes http,postgres --output DIR` wrote while
// tests/integ/run_db.sh drove a web app that queries PostgreSQL while it
// serves, and pgbench; every record decoded by the OpenTelemetry
// project's generated code (otlp-decode.js).
//   node check-run-db.js OUT_DIR SCENARIO.json
const { attrs, readJsonl } = require('./otlp-read.js');
const { cases } = require('./cases.js');

const { dir, sc, check, report } = cases();
const { spans, metrics } = readJsonl(dir);

const SERVER = 2, CLIENT = 3;
const pg = (x) => x.a['db.system.name'] === 'postgresql';
const show = (l) => JSON.stringify(l.map((x) => [x.s.name, x.a]));
const SQL = {
  '/users': ['SELECT name FROM rt_users WHERE id = ?', 'SELECT', 'SELECT rt_users'],
  '/add': ['INSERT INTO rt_users VALUES (?, ?)', 'INSERT', 'INSERT rt_users'],
  '/bad': ['SELECT * FROM no_such_table', 'SELECT', 'SELECT no_such_table'],
};

// ---- the web app: HTTP SERVER spans, each the parent of its query ----
let n = 'run_db';
check(n, sc.codes.trim() === '200 200 500 200', 'the app answered ' + sc.codes);
const app = spans.filter((x) => x.res['process.pid'] === sc.app);
const http = app.filter((x) => x.s.kind === SERVER && x.a['url.path']);
const db = app.filter((x) => x.s.kind === CLIENT && pg(x));
check(n, JSON.stringify(http.map((x) => x.a['url.path'])) === '["/users","/add","/bad","/users"]',
  'the app\'s HTTP SERVER spans: ' + show(http));
check(n, db.length === 4, `the app's DB CLIENT spans: ${db.length}, want 4: ` + show(db));
for (const h of http) {
  const kids = db.filter((x) => x.s.parentSpanId === h.s.spanId);
  const want = SQL[h.a['url.path']] || [];
  check(n, kids.length === 1, `one DB child of ${h.a['url.path']}: ${kids.length}`);
  if (kids.length !== 1) continue;
  const { s, a } = kids[0];
  check(n, s.traceId === h.s.traceId, 'the child is in its parent\'s trace');
  check(n, BigInt(s.startTimeUnixNano) >= BigInt(h.s.startTimeUnixNano) &&
    BigInt(s.endTimeUnixNano) <= BigInt(h.s.endTimeUnixNano) && BigInt(s.startTimeUnixNano) < BigInt(s.endTimeUnixNano),
  'the child\'s times inside its parent\'s');
  check(n, a['db.query.text'] === want[0] && a['db.operation.name'] === want[1] &&
    a['db.query.summary'] === want[2] && s.name === want[2], `${h.a['url.path']}: ` + JSON.stringify([s.name, a]));
  check(n, a['db.namespace'] === 'rtdb' && a['server.address'] === '127.0.0.1' && a['server.port'] === sc.pg_port &&
    a['network.peer.address'] === '127.0.0.1' && a['network.peer.port'] === sc.pg_port,
  'where: ' + JSON.stringify(a));
  const bad = h.a['url.path'] === '/bad';
  check(n, bad ? a['error.type'] === '42P01' && a['db.response.status_code'] === '42P01' && s.status &&
    s.status.code === 2 : !('error.type' in a) && (!s.status || !s.status.code), 'status: ' + JSON.stringify([s.status, a]));
  if (h.a['url.path'] === '/users')
    check(n, a['db.response.returned_rows'] === 0 && a['db.collection.name'] === 'rt_users', 'rows: ' + JSON.stringify(a));
}

// ---- the postgres backends' SERVER spans: of a connection older than
// rawtel (picked up mid-stream: no startup seen, no namespace), and of the
// backends forked for connections made while it ran (each learned at its
// first use of the socket it inherited from the postmaster: whole, with
// the startup's database) ----
n = 'run_db_server';
const byStart = (l) => l.slice().sort((x, y) => (BigInt(x.s.startTimeUnixNano) < BigInt(y.s.startTimeUnixNano) ? -1 : 1));
const srvAll = byStart(spans.filter((x) => x.s.kind === SERVER && pg(x) && x.a['server.port'] === sc.pg_port));
const srv = srvAll.filter((x) => x.a['network.peer.port'] === sc.old_port);
const old = spans.filter((x) => x.res['process.pid'] === sc.old && x.s.kind === CLIENT && pg(x));
const texts = (l) => JSON.stringify(l.map((x) => [x.a['db.query.text'], x.a['error.type'] || '',
  x.a['rawtel.db.partial'] || '']));
const wantOld = JSON.stringify([['SELECT ?', '', 'response_not_seen'], [SQL['/users'][0], '', ''],
  [SQL['/bad'][0], '42P01', '']]);
check(n, texts(old) === wantOld, 'the old connection\'s CLIENT spans: ' + texts(old));
check(n, texts(srv) === wantOld, 'the old connection\'s backend\'s SERVER spans: ' + show(srv));
const pgServer = (x) => x.res['process.executable.name'] === 'postgres' && x.a['server.address'] === '127.0.0.1' &&
  x.a['network.peer.address'] === '127.0.0.1' && x.a['network.peer.port'] > 0 &&
  x.a['network.peer.port'] !== sc.pg_port && !x.s.parentSpanId;
for (const x of srv.slice(1))
  check(n, pgServer(x) && x.s.name === (x.a['error.type'] ? 'SELECT no_such_table' : 'SELECT rt_users'),
    'server span: ' + JSON.stringify([x.res, x.a]));
n = 'run_db_server_forked';
const appTexts = new Set(Object.values(SQL).map((w) => w[0]));
const appSrv = srvAll.filter((x) => x.a['db.namespace'] === 'rtdb' && appTexts.has(x.a['db.query.text']));
const wantApp = JSON.stringify(['/users', '/add', '/bad', '/users'].map((p) =>
  [SQL[p][0], p === '/bad' ? '42P01' : '', '']));
check(n, texts(appSrv) === wantApp, 'the app\'s backends\' SERVER spans: ' + texts(appSrv) + ' want ' + wantApp);
for (const x of appSrv) {
  const want = Object.values(SQL).find((w) => w[0] === x.a['db.query.text']);
  check(n, pgServer(x) && x.s.name === want[2] && x.a['db.operation.name'] === want[1] &&
    (x.a['error.type'] ? x.s.status && x.s.status.code === 2 && x.a['db.response.status_code'] === '42P01'
      : !x.s.status || !x.s.status.code), 'forked backend\'s span: ' + JSON.stringify([x.s.name, x.s.status, x.res, x.a]));
}
const pids = new Set(appSrv.map((x) => x.res['process.pid']));
check(n, pids.size === appSrv.length, `one backend per app connection: ${pids.size} processes for ${appSrv.length}`);

// ---- the histograms ----
n = 'run_db_metrics';
const BOUNDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const points = (name, pred) => {
  const last = new Map();
  for (const { res, m } of metrics)
    if (m.name === name && m.histogram && pred(res))
      for (const dp of m.histogram.dataPoints) {
        check(n, JSON.stringify(dp.explicitBounds) === JSON.stringify(BOUNDS) && m.unit === 's', 'buckets ' + name);
        const a = attrs(dp.attributes);
        last.set(res['process.pid'] + JSON.stringify(a), { a, count: Number(dp.count) });
      }
  return [...last.values()];
};
const cli = points('db.client.operation.duration', (r) => r['process.pid'] === sc.app);
check(n, cli.reduce((s, p) => s + p.count, 0) === 4, 'app client points: ' + JSON.stringify(cli));
const sel = cli.find((p) => p.a['db.query.summary'] === 'SELECT rt_users');
check(n, sel && sel.count === 2 && sel.a['db.system.name'] === 'postgresql' && sel.a['db.namespace'] === 'rtdb' &&
  sel.a['server.port'] === sc.pg_port && sel.a['db.operation.name'] === 'SELECT', 'SELECT rt_users: ' + JSON.stringify(sel));
const err = cli.find((p) => p.a['error.type'] === '42P01');
check(n, err && err.count === 1, 'the failure in the histogram: ' + JSON.stringify(cli));
const sv = points('db.server.operation.duration', (r) => r['process.executable.name'] === 'postgres')
  .filter((p) => p.a['db.query.summary'] === 'SELECT rt_users');
// the old connection's backend (no namespace) and the app's two forked
// backends (each its own process)
check(n, sv.reduce((s, p) => s + p.count, 0) === 3 && sv.every((p) => !('server.port' in p.a)) &&
  sv.filter((p) => p.a['db.namespace'] === 'rtdb').length === 2, 'server points: ' + JSON.stringify(sv));

// ---- the load: one span per query ----
n = 'run_db_load';
const [b1, b2] = sc.bench;
const count = (pid, kind) => spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind && pg(x));
const plain = count(b1, CLIENT), piped = count(b2, CLIENT);
const ops = (l) => [...new Set(l.map((x) => x.a['db.query.text'] + '|' + (x.a['rawtel.db.partial'] || '')))];
// records lost in the kernel (ring full on a loaded machine) are counted
// (rawtel.events.lost): then fewer spans, never more, some partial
const exact = (l, want) => (sc.lost ? l.length <= want : l.length === want);
const whole = (l) => sc.lost || l.every((x) => x.a['db.query.text'] === 'SELECT ?;' && !x.a['rawtel.db.partial']);
check(n, exact(plain, sc.load), `pgbench -M prepared: ${plain.length} spans, want ${sc.load} (lost ${sc.lost}): ` + ops(plain));
check(n, whole(plain), 'plain: ' + ops(plain));
check(n, exact(piped, sc.pipe), `pgbench pipelined: ${piped.length} spans, want ${sc.pipe} (lost ${sc.lost}): ` + ops(piped));
check(n, whole(piped), 'piped: ' + ops(piped));
// the backends forked for pgbench's connections: one SERVER span per
// query too
const srvLoad = spans.filter((x) => x.s.kind === SERVER && pg(x) && x.res['process.executable.name'] === 'postgres' &&
  x.a['db.query.text'] === 'SELECT ?;');
check(n, exact(srvLoad, sc.load + sc.pipe), `the backends' SERVER spans: ${srvLoad.length}, want ${sc.load + sc.pipe} ` +
  `(lost ${sc.lost}): ` + ops(srvLoad));
check(n, sc.lost || srvLoad.every((x) => !x.a['rawtel.db.partial'] && x.a['db.namespace'] === 'rtdb'), 'backends: ' + ops(srvLoad));
const ids = new Set(spans.map((x) => x.s.spanId));
check(n, ids.size === spans.length, `span ids: ${ids.size} distinct of ${spans.length}`);

report();
