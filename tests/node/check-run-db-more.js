'use strict';
// Checks what `rawtel run --probes mysql,redis,memcached --output DIR` wrote
// while tests/integ/run_db_more.sh drove a MariaDB, a Redis and a Memcached
// server with one client each; every record decoded by the OpenTelemetry
// project's generated code (otlp-decode.js).
//   node check-run-db-more.js OUT_DIR SCENARIO.json
const { attrs, readJsonl } = require('./otlp-read.js');
const { cases } = require('./cases.js');

const { dir, sc, check, report } = cases();
const { spans, metrics } = readJsonl(dir);

const SERVER = 2, CLIENT = 3;
const ERROR = 2;
// [span name, db.operation.name, db.query.text, db.namespace, status code]
// per operation, in order; the name's target is the collection, else the
// namespace, else the server's address
const my = (name, op, text, code) => [name, op, text, 'shop', code];
const WANT = {
  mysql: ['mariadb', [
    my('CREATE rt_t', 'CREATE', 'CREATE TABLE rt_t (a INT, secret TEXT)'),
    my('INSERT rt_t', 'INSERT', 'INSERT INTO rt_t VALUES (?, ?), (?, ?)'),
    my('SELECT rt_t', 'SELECT', 'SELECT a FROM rt_t WHERE a > ?'),
    my('SELEC', 'SELEC', 'SELEC ?', '1064'),
    my('SELECT no_such_table', 'SELECT', 'SELECT * FROM no_such_table', '1146'),
    my('COM_QUIT shop', 'COM_QUIT', undefined),
  ]],
  redis: ['redis', ((addr) => [
    [`SET ${addr}`, 'SET', 'SET ? ?'],
    [`GET ${addr}`, 'GET', 'GET ?'],
    [`LPUSH ${addr}`, 'LPUSH', 'LPUSH ? ? ?'],
    [`GET ${addr}`, 'GET', 'GET ?', undefined, 'WRONGTYPE'],
    [`SELECT ${addr}`, 'SELECT', 'SELECT ?'],
    ['SET 3', 'SET', 'SET ? ?', '3'],
    ['DEL 3', 'DEL', 'DEL ? ?', '3'],
  ])(`127.0.0.1:${sc.redis.port}`)],
  memcached: ['memcached', ((addr) => [
    [`set ${addr}`, 'set', 'set ? ? ? ?'],
    [`get ${addr}`, 'get', 'get ? ?'],
    [`delete ${addr}`, 'delete', 'delete ?'],
    [`bogus ${addr}`, 'bogus', 'bogus', undefined, 'ERROR'],
    [`mg ${addr}`, 'mg', 'mg ? ?'],
  ])(`127.0.0.1:${sc.memcached.port}`)],
};
// redis-cli asks for its command docs first: not one of the test's
const ours = (x) => !(x.a['db.operation.name'] || '').startsWith('COMMAND');
const row = (x) => [x.s.name, x.a['db.operation.name'], x.a['db.query.text'], x.a['db.namespace'],
  x.a['db.response.status_code']];

for (const [proto, [system, want]] of Object.entries(WANT)) {
  const p = sc[proto];
  for (const [kind, pid, n] of [[CLIENT, p.client, `run_db_${proto}`], [SERVER, p.server, `run_db_${proto}_server`]]) {
    const got = spans.filter((x) => x.res['process.pid'] === pid && x.s.kind === kind &&
      x.a['db.system.name'] === system && ours(x) && x.a['network.peer.port'] !== sc.fork.port);
    const full = want.map((w) => [0, 1, 2, 3, 4].map((i) => w[i]));
    check(n, JSON.stringify(got.map(row)) === JSON.stringify(full),
      `spans ${JSON.stringify(got.map(row))}, want ${JSON.stringify(want)}`);
    for (const x of got) {
      const { s, a } = x;
      const code = a['db.response.status_code'];
      check(n, code ? a['error.type'] === code && s.status && s.status.code === ERROR
        : !('error.type' in a) && (!s.status || !s.status.code), 'status: ' + JSON.stringify([s.status, a]));
      check(n, a['server.address'] === '127.0.0.1' && a['server.port'] === p.port &&
        a['network.peer.address'] === '127.0.0.1' &&
        a['network.peer.port'] === (kind === CLIENT ? p.port : a['network.peer.port'] > 0 && a['network.peer.port']),
      'where: ' + JSON.stringify(a));
      check(n, BigInt(s.startTimeUnixNano) <= BigInt(s.endTimeUnixNano) && !a['rawtel.db.partial'],
        'times, seen whole: ' + JSON.stringify([s.startTimeUnixNano, s.endTimeUnixNano, a]));
    }
    if (proto === 'mysql') {
      const sel = got.find((x) => x.s.name === 'SELECT rt_t');
      check(n, sel && sel.a['db.response.returned_rows'] === 2 && sel.a['db.collection.name'] === 'rt_t',
        'rows: ' + JSON.stringify(sel && sel.a));
    }
  }
}

// ---- a socket first used by a forked child, then by the program it
// exec'd under another fd: both learned at first use, as a client ----
{
  const n = 'run_db_inherit';
  const addr = `127.0.0.1:${sc.redis.port}`;
  const got = spans.filter((x) => x.res['process.pid'] === sc.fork.child && x.a['db.system.name'] === 'redis');
  const want = [[`GET ${addr}`, 'GET', 'GET ?', undefined, undefined], [`PING ${addr}`, 'PING', 'PING', undefined, undefined]];
  check(n, JSON.stringify(got.map(row)) === JSON.stringify(want) && got.every((x) => x.s.kind === CLIENT &&
    x.a['server.port'] === sc.redis.port && x.a['network.peer.address'] === '127.0.0.1' && !x.a['rawtel.db.partial']),
  'the child\'s spans: ' + JSON.stringify(got.map((x) => [x.s.kind, x.s.name, x.a])));
  const srv = spans.filter((x) => x.res['process.pid'] === sc.redis.server && x.a['network.peer.port'] === sc.fork.port);
  check(n, JSON.stringify(srv.map(row)) === JSON.stringify(want) && srv.every((x) => x.s.kind === SERVER),
    'the server\'s view: ' + JSON.stringify(srv.map(row)));
}

// ---- db.client.operation.duration: one sample per answered operation ----
const n = 'run_db_more_metrics';
const BOUNDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const last = new Map();
for (const { res, m } of metrics)
  if (m.name === 'db.client.operation.duration' && m.histogram)
    for (const dp of m.histogram.dataPoints) {
      check(n, JSON.stringify(dp.explicitBounds) === JSON.stringify(BOUNDS) && m.unit === 's', 'buckets');
      const a = attrs(dp.attributes);
      last.set(res['process.pid'] + JSON.stringify(a), { pid: res['process.pid'], a, count: Number(dp.count) });
    }
for (const [proto, [system, want]] of Object.entries(WANT)) {
  const pts = [...last.values()].filter((p) => p.pid === sc[proto].client && p.a['db.system.name'] === system &&
    !(p.a['db.operation.name'] || '').startsWith('COMMAND'));
  // COM_QUIT has no reply: no duration
  const answered = want.filter((w) => w[1] !== 'COM_QUIT');
  check(n, pts.reduce((s, p) => s + p.count, 0) === answered.length,
    `${proto} client points: ${JSON.stringify(pts)}, want ${answered.length} samples`);
  for (const w of answered.filter((x) => x[4])) {
    const e = pts.find((p) => p.a['error.type'] === w[4]);
    check(n, e && e.count === 1 && e.a['db.response.status_code'] === w[4] && e.a['server.port'] === sc[proto].port &&
      e.a['db.operation.name'] === w[1] && !('db.query.text' in e.a), `${proto} ${w[4]}: ` + JSON.stringify(pts));
  }
}

report();
