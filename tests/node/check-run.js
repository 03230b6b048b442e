'use strict';
// Checks what `rawtel run` exported while tests/progs/rtt_driver ran, field
// by field, decoding every request with the OpenTelemetry project's
// generated code (otlp-decode.js) as the independent oracle.
//
//   node check-run.js NAME SRC PIDS.json [options]
// SRC: a directory of request bodies kept by receiver.js --bodies
// (NNNNNN-SIGNAL.pb|json), or of files written by rawtel's files sink
// (logs.jsonl, metrics.pb, ...). Options:
//   --service NAME     expected service.name of every observed process
//   --res k=v,...      resource attributes expected on every process
//   --capture-args     process.command_args expected on exec records
//   --open             the open probe was on
//   --format F         protobuf|json: every body must be in that encoding
// Prints "PASS NAME" or "FAIL NAME: why" (tests/run.sh counts these).
const fs = require('fs');
const path = require('path');
const { decode } = require('./otlp-decode.js');

const [name, src, pidsFile, ...rest] = process.argv.slice(2);
const opt = { service: null, res: {}, captureArgs: false, open: false, format: null };
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--service') opt.service = rest[++i];
  else if (rest[i] === '--res') for (const kv of rest[++i].split(',')) { const [k, v] = kv.split('='); opt.res[k] = v; }
  else if (rest[i] === '--capture-args') opt.captureArgs = true;
  else if (rest[i] === '--open') opt.open = true;
  else if (rest[i] === '--format') opt.format = rest[++i];
}
const pids = JSON.parse(fs.readFileSync(pidsFile, 'utf8'));
const fails = [];
const check = (cond, what) => { if (!cond) fails.push(what); };

// ---- read every request ---------------------------------------------------
const requests = []; // { signal, msg }
for (const f of fs.readdirSync(src).sort()) {
  const full = path.join(src, f);
  let m;
  if ((m = /^\d+-(traces|metrics|logs)\.(pb|json)$/.exec(f))) {
    const fmt = m[2] === 'pb' ? 'protobuf' : 'json';
    if (opt.format) check(fmt === opt.format, `${f}: sent as ${fmt}, want ${opt.format}`);
    requests.push({ signal: m[1], msg: decode(m[1], fs.readFileSync(full), fmt) });
  } else if ((m = /^(traces|metrics|logs)(-.*)?\.jsonl$/.exec(f))) {
    for (const line of fs.readFileSync(full, 'utf8').split('\n').filter((l) => l))
      requests.push({ signal: m[1], msg: decode(m[1], Buffer.from(line), 'json') });
  } else if ((m = /^(traces|metrics|logs)(-.*)?\.pb$/.exec(f))) {
    const data = fs.readFileSync(full);
    for (let off = 0; off < data.length;) {
      const len = data.readUInt32BE(off);
      requests.push({ signal: m[1], msg: decode(m[1], data.subarray(off + 4, off + 4 + len), 'protobuf') });
      off += 4 + len;
    }
  }
}

function val(v) {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return (v.arrayValue.values || []).map(val);
  return v;
}
const attrs = (list) => Object.fromEntries((list || []).map((kv) => [kv.key, val(kv.value)]));

const logs = [];
const metrics = [];
for (const { signal, msg } of requests) {
  if (signal === 'logs')
    for (const rl of msg.resourceLogs || [])
      for (const sl of rl.scopeLogs || [])
        for (const l of sl.logRecords || [])
          logs.push({ res: attrs(rl.resource && rl.resource.attributes), scope: sl.scope, rec: l, a: attrs(l.attributes) });
  if (signal === 'metrics')
    for (const rm of msg.resourceMetrics || [])
      for (const sm of rm.scopeMetrics || [])
        for (const mt of sm.metrics || [])
          metrics.push({ res: attrs(rm.resource && rm.resource.attributes), scope: sm.scope, m: mt });
}
check(logs.length > 0, 'no log records exported');

// ---- every resource ------------------------------------------------------
for (const { res } of logs.concat(metrics)) {
  for (const k of ['service.name', 'process.pid', 'process.executable.name', 'host.name', 'telemetry.sdk.version'])
    check(res[k] !== undefined && res[k] !== '', `resource without ${k}: ${JSON.stringify(res)}`);
  check(res['os.type'] === 'linux' && res['telemetry.sdk.name'] === 'rawtel' && res['telemetry.sdk.language'] === 'cpp',
    `resource os/sdk: ${JSON.stringify(res)}`);
  if (fails.length > 8) break;
}

// ---- log records ---------------------------------------------------------
function one(event, pid, what, extra = () => true) {
  const got = logs.filter((l) => l.rec.eventName === event && l.a['process.pid'] === pid && extra(l));
  check(got.length === 1, `${what}: want exactly one ${event} for pid ${pid}, got ${got.length}`);
  return got[0];
}
function timeOk(l, what) {
  const t = BigInt(l.rec.timeUnixNano), o = BigInt(l.rec.observedTimeUnixNano);
  const now = BigInt(Date.now()) * 1000000n;
  check(t > now - 600n * 1000000000n && t <= now && o >= t, `${what}: times ${t} / ${o}`);
}

const procRes = (l, exe, pid, what) => {
  check(l.res['process.pid'] === pid, `${what}: resource pid ${l.res['process.pid']} != ${pid}`);
  check(l.res['process.executable.name'] === exe, `${what}: resource exe ${l.res['process.executable.name']} != ${exe}`);
  check(l.res['service.name'] === (opt.service || exe), `${what}: service.name ${l.res['service.name']}`);
  for (const [k, v] of Object.entries(opt.res))
    check(l.res[k] === v, `${what}: resource ${k}=${l.res[k]}, want ${v}`);
  check(l.scope && l.scope.name === 'rawtel', `${what}: scope ${JSON.stringify(l.scope)}`);
};

const drv = pids.driver;
const ex = one('rawtel.process.exec', pids.true, 'exec /bin/true');
if (ex) {
  check(ex.rec.body.stringValue === 'exec /bin/true', `exec body ${JSON.stringify(ex.rec.body)}`);
  check(ex.rec.severityNumber === 9 && ex.rec.severityText === 'INFO', `exec severity ${ex.rec.severityNumber}`);
  check(ex.a['process.parent_pid'] === drv && ex.a['process.executable.path'] === '/bin/true' &&
        ex.a['process.user.id'] === pids.uid && ex.a['thread.id'] === pids.true, `exec attrs ${JSON.stringify(ex.a)}`);
  if (opt.captureArgs)
    check(JSON.stringify(ex.a['process.command_args']) === JSON.stringify(['/bin/true', 'alpha', 'beta gamma']),
      `command_args ${JSON.stringify(ex.a['process.command_args'])}`);
  else
    check(ex.a['process.command_args'] === undefined, 'command_args exported without --capture-args');
  procRes(ex, 'true', pids.true, 'exec /bin/true');
  timeOk(ex, 'exec /bin/true');
}
const bad = one('rawtel.process.exec', pids.missing, 'failed exec');
if (bad) {
  check(bad.rec.severityNumber === 13 && bad.a['error.type'] === 'ENOENT', `failed exec ${JSON.stringify(bad.a)}`);
  check(bad.rec.body.stringValue === 'exec /nonexistent/rtt-prog failed: ENOENT', `failed exec body ${bad.rec.body.stringValue}`);
  procRes(bad, 'rtt_driver', pids.missing, 'failed exec');
}
const x3 = one('rawtel.process.exit', pids.exit3, 'exit(3)');
if (x3) {
  check(x3.a['process.exit.code'] === 3 && x3.rec.severityNumber === 13 && x3.a['process.parent_pid'] === drv,
    `exit3 ${JSON.stringify(x3.a)} sev ${x3.rec.severityNumber}`);
  check(typeof x3.a['rawtel.process.lifetime'] === 'number' && x3.a['rawtel.process.lifetime'] > 0 &&
        x3.a['rawtel.process.lifetime'] < 30, `exit3 lifetime ${x3.a['rawtel.process.lifetime']}`);
}
const kd = one('rawtel.process.exit', pids.killed, 'killed');
if (kd)
  check(kd.a['rawtel.exit.signal'] === 'SIGKILL' && kd.a['process.exit.code'] === undefined &&
        kd.rec.body.stringValue === 'exit rtt_driver: killed by SIGKILL', `killed ${JSON.stringify(kd.a)} ${kd.rec.body.stringValue}`);
const tx = one('rawtel.process.exit', pids.true, 'exit of /bin/true');
if (tx) {
  check(tx.a['process.exit.code'] === 0 && tx.rec.severityNumber === 9, `true exit ${JSON.stringify(tx.a)}`);
  procRes(tx, 'true', pids.true, 'exit of /bin/true');
}
const dx = one('rawtel.process.exit', drv, 'driver exit');
if (dx) procRes(dx, 'rtt_driver', drv, 'driver exit');

if (opt.open) {
  const known = logs.filter((l) => l.rec.eventName === 'rawtel.file.open' && l.a['process.pid'] === drv &&
                                   l.a['file.path'] === pids.known);
  // a musl driver (the qemu tests') adds O_LARGEFILE to every open
  const large = pids.libc_open_flags ? '|O_LARGEFILE' : '';
  const creat = known.filter((l) => l.a['rawtel.open.flags'] === `O_WRONLY|O_CREAT|O_TRUNC${large}|O_CLOEXEC`);
  check(creat.length === 1 && creat[0].a['rawtel.open.fd'] >= 3 && creat[0].a['error.type'] === undefined,
    `create of known.txt: ${JSON.stringify(known.map((l) => l.a))}`);
  const miss = logs.filter((l) => l.rec.eventName === 'rawtel.file.open' && l.a['file.path'] === pids.missing_path);
  check(miss.length === 1 && miss[0].a['error.type'] === 'ENOENT' && miss[0].a['rawtel.open.fd'] === undefined,
    `open of missing.txt: ${JSON.stringify(miss.map((l) => l.a))}`);
} else {
  check(!logs.some((l) => l.rec.eventName === 'rawtel.file.open'), 'open records without the open probe');
}

// ---- self-metrics -----------------------------------------------------------
check(metrics.length > 0, 'no metrics exported');
const byName = (n) => metrics.filter((x) => x.m.name === n);
for (const n of ['rawtel.events.received', 'rawtel.events.lost', 'rawtel.records.dropped', 'rawtel.export.items',
                 'rawtel.export.requests', 'rawtel.export.dropped', 'rawtel.export.bytes', 'rawtel.spool.bytes'])
  check(byName(n).length > 0, `metric ${n} missing`);
for (const x of metrics) {
  check(x.res['service.name'] === 'rawtel' && x.res['process.executable.name'] === 'rawtel',
    `self-metric resource ${JSON.stringify(x.res)}`);
  if (fails.length > 12) break;
}
const rcv = byName('rawtel.events.received');
const last = rcv.length ? rcv[rcv.length - 1].m : null;
if (last) {
  check(last.sum && last.sum.isMonotonic === true && last.sum.aggregationTemporality === 2,
    `events.received shape ${JSON.stringify(last)}`);
  const pt = (last.sum ? last.sum.dataPoints : []).find((p) => attrs(p.attributes).probe === 'exec');
  // the last collection runs at shutdown, after every event was read
  const execs = logs.filter((l) => l.rec.eventName === 'rawtel.process.exec').length;
  check(pt && Number(pt.asInt) === execs, `events.received{probe=exec} ${pt && pt.asInt} != ${execs} exec records`);
}

if (fails.length) {
  console.log(`FAIL ${name}: ${fails.slice(0, 6).join('; ')}`);
  process.exit(1);
}
console.log(`PASS ${name} (${logs.length} log records, ${metrics.length} metrics in ${requests.length} requests)`);
