'use strict';
// Checks the tcp.* metrics and reset log records `rawtel run --probes
// tcp,retrans` exported, decoded by the OpenTelemetry project's generated
// code (otlp-decode.js), against what tests/progs/rtt_tcp did.
//   node check-run-tcp.js NAME BODIES_DIR life LIFE.json REFUSED.json ABORT.json
//   node check-run-tcp.js NAME BODIES_DIR retrans ADDR_A ADDR_B PORT KERNEL_DELTA [LOST]
// Metrics are cumulative: the last export of a point holds its total.
const fs = require('fs');
const { val, attrs, readBodies } = require('./otlp-read.js');

const [name, dir, mode, ...args] = process.argv.slice(2);
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };

// points[metric] = [{ res, a, p, m }], the last export's of each series
const last = new Map();
const { metrics, logs } = readBodies(dir);
for (const { res, m: mt } of metrics) {
  if (!mt.name.startsWith('tcp.')) continue;
  for (const p of (mt.sum || mt.histogram).dataPoints || []) {
    const a = attrs(p.attributes);
    last.set(JSON.stringify([mt.name, res, a]), { name: mt.name, m: mt, res, a, p });
  }
}
const points = [...last.values()];
const value = (p) => (p.p.asInt !== undefined ? Number(p.p.asInt) : Number(p.p.count));
// the points of metric NAME under the resource of PID (0: the host's)
const find = (metric, pid, want) => points.filter((x) => x.name === metric &&
  (pid ? x.res['process.pid'] === pid : !('process.pid' in x.res)) &&
  Object.keys(want).every((k) => x.a[k] === want[k]) && Object.keys(x.a).length === Object.keys(want).length);
const one = (what, metric, pid, want, n) => {
  const ps = find(metric, pid, want);
  check(ps.length === 1 && value(ps[0]) === n,
    `${what}: ${metric} ${JSON.stringify(want)} under pid ${pid}: ${ps.map(value)}, want ${n}`);
  return ps[0];
};

if (mode === 'life') {
  const [life, refused, abort] = args.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const lo = '127.0.0.1';
  // both sides of every connection, each under its own process
  const c = { 'server.address': lo, 'server.port': life.port };
  const s = { 'client.address': lo, 'server.port': life.port };
  one('client', 'tcp.connections.closed', life.client_pid, c, life.n);
  one('server', 'tcp.connections.closed', life.server_pid, s, life.n);
  const bounds = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
  for (const [pid, want] of [[life.client_pid, c], [life.server_pid, s]]) {
    const h = one('duration', 'tcp.connection.duration', pid, want, life.n);
    if (!h) continue;
    check(h.m.unit === 's' && h.m.histogram.aggregationTemporality === 2, 'histogram shape');
    check(JSON.stringify(h.p.explicitBounds) === JSON.stringify(bounds), 'bounds ' + JSON.stringify(h.p.explicitBounds));
    check(h.p.min >= life.hold_ms / 1000 && h.p.max < life.hold_ms / 1000 + 2 &&
      h.p.bucketCounts.reduce((x, y) => x + Number(y), 0) === life.n, 'durations ' + JSON.stringify(h.p));
    check(h.res['service.name'] === 'rtt_tcp' && h.res['process.executable.name'] === 'rtt_tcp', 'resource ' + JSON.stringify(h.res));
  }
  check(find('tcp.retransmissions', life.client_pid, c).length === 0, 'retransmissions on loopback');
  // a refused connect: the reset received by the client, the one sent for
  // no socket under the host's resource (no process owns it): the server
  // side guessed from the ports (both ephemeral: the lower one serves)
  one('refused', 'tcp.resets', refused.pid, { 'server.address': lo, 'server.port': refused.port,
    'network.io.direction': 'receive' }, 1);
  one('refused', 'tcp.connections.closed', refused.pid, { 'server.address': lo, 'server.port': refused.port,
    'error.type': 'connection_refused' }, 1);
  const guess = refused.port < refused.client_port ? { 'client.address': lo, 'server.port': refused.port }
    : { 'server.address': lo, 'server.port': refused.client_port };
  const host = one('refused', 'tcp.resets', 0, { ...guess, 'network.io.direction': 'transmit' }, 1);
  if (host) check(host.res['service.name'] === 'unknown_service' && host.res['host.name'], 'host resource ' + JSON.stringify(host.res));
  // an aborting server: the reset it sent, the one its client received
  const as = { 'client.address': lo, 'server.port': abort.port };
  const ac = { 'server.address': lo, 'server.port': abort.port };
  one('abort', 'tcp.resets', abort.server_pid, { ...as, 'network.io.direction': 'transmit' }, 1);
  one('abort', 'tcp.resets', abort.client_pid, { ...ac, 'network.io.direction': 'receive' }, 1);
  one('abort', 'tcp.connections.closed', abort.server_pid, { ...as, 'error.type': 'aborted' }, 1);
  one('abort', 'tcp.connections.closed', abort.client_pid, { ...ac, 'error.type': 'connection_reset' }, 1);
  // a log record per reset, with the whole connection
  const ours = [refused.port, abort.port];
  const rl = logs.filter((x) => x.l.eventName === 'rawtel.tcp.reset' &&
    (ours.includes(x.a['network.local.port']) || ours.includes(x.a['network.peer.port'])));
  check(rl.length === 4, `reset log records: ${rl.length}, want 4`);
  const sent = rl.find((x) => x.a['network.local.port'] === abort.port && x.a['network.io.direction'] === 'transmit');
  check(sent && sent.res['process.pid'] === abort.server_pid && sent.a['network.peer.port'] === abort.client_port &&
    sent.a['network.transport'] === 'tcp' && sent.a['rawtel.tcp.state'] === 'CLOSE' &&
    /^TCP reset sent to 127\.0\.0\.1 port \d+/.test(val(sent.l.body)), 'abort reset log ' + JSON.stringify(sent && sent.a));
} else if (mode === 'retrans') {
  const [a, b, port, delta, lost] = [args[0], args[1], Number(args[2]), Number(args[3]), Number(args[4] || 0)];
  // the sender's (A) retransmissions to the server, and the server's own
  // (B: FIN, SYN-ACK) to its client, under their processes
  const pts = points.filter((x) => x.name === 'tcp.retransmissions' && x.a['server.port'] === port &&
    (x.a['server.address'] === b || x.a['client.address'] === a));
  const total = pts.reduce((n, x) => n + value(x), 0);
  // as check_tcp.py retrans: program runs the kernel skipped (its
  // recursion guard) are counted in rawtel's events lost in the kernel.
  // The metric adds 1 per event the tracepoint reports sent (err 0,
  // agent_on_retrans); the kernel's TcpRetransSegs adds a segment count
  // per skb and may count an attempt reported failed. Which of those made
  // the one short seen (1 in 153) is not established: a few are allowed
  // on top
  check(delta > 0 && total <= delta && delta - total <= lost + Math.max(2, Math.floor(delta / 50)),
    `tcp.retransmissions ${total}, the kernel counted ${delta}, ${lost} events lost and counted`);
  check(pts.every((x) => x.res['process.executable.name'] === 'rtt_tcp'), 'resources ' + JSON.stringify(pts.map((x) => x.res)));
  if (!fails.length) console.log(`# ${name}: tcp.retransmissions ${total}, kernel ${delta}`);
} else {
  fails.push('unknown mode ' + mode);
}
if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 6).join('; ')}`); process.exit(1); }
console.log(`PASS ${name}`);
