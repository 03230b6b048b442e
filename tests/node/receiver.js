// An OTLP/HTTP receiver for rawtel's tests, decoding every request with the
// OpenTelemetry project's generated protobuf code (root.js) as the
// independent oracle. It appends what it got to a JSON-lines log and can be
// scripted to misbehave. Started by a test, stopped by its PID, and it exits
// by itself after --max-ms.
//
//   node receiver.js --port N (0: any) --ready FILE --log FILE
//        [--script JSON] [--max-ms MS] [--host 127.0.0.1] [--keepalive-ms MS]
//        [--bodies DIR]   also keep each request body as DIR/NNNNNN-SIGNAL.pb|json
// A body with Content-Encoding: gzip is inflated by Node's zlib first (as the
// Collector's receiver does; the log keeps the wire size as wireBytes); any
// other encoding is answered 415.
//
// --script is a JSON array of actions, one per request in arrival order
// (then plain success); each may carry "times": N to repeat it:
//   {"status": 503, "retryAfter": "2"}   any status, optional Retry-After
//   {"status": 400, "message": "..."}    error with a google.rpc.Status body
//   {"partial": 3, "message": "..."}     200 with partial_success
//   {"close": true}                      drop the connection mid-request
//   {"delayMs": 3000}                    answer late
//   {"chunked": true}                    answer with a chunked body
// The ready file gets the port once listening. Decode helpers are exported
// for other tests: require('./receiver.js').
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const zlib = require('zlib');

const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const pb = root.opentelemetry.proto.collector;
const Writer = require('protobufjs/minimal').Writer;

const SIGNALS = {
  traces: { req: pb.trace.v1.ExportTraceServiceRequest, resp: pb.trace.v1.ExportTraceServiceResponse, rejected: 'rejectedSpans' },
  metrics: { req: pb.metrics.v1.ExportMetricsServiceRequest, resp: pb.metrics.v1.ExportMetricsServiceResponse, rejected: 'rejectedDataPoints' },
  logs: { req: pb.logs.v1.ExportLogsServiceRequest, resp: pb.logs.v1.ExportLogsServiceResponse, rejected: 'rejectedLogRecords' },
};

// The signal a request path is for: /v1/traces -> traces, or null.
function signalOfPath(p) {
  const m = /\/v1\/(traces|metrics|logs)$/.exec(p.split('?')[0]);
  return m ? m[1] : null;
}

// OTLP JSON writes trace and span ids as hex; protobufjs wants bytes.
const HEX_IDS = { traceId: 32, spanId: 16, parentSpanId: 16 };
function hexIdsToBytes(v) {
  if (Array.isArray(v)) return v.map(hexIdsToBytes);
  if (v === null || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) {
    if (k in HEX_IDS && typeof x === 'string') {
      if (x !== '' && !new RegExp(`^[0-9a-fA-F]{${HEX_IDS[k]}}$`).test(x)) throw new Error(`${k} is not ${HEX_IDS[k]} hex digits: ${x}`);
      out[k] = Buffer.from(x, 'hex');
    } else {
      out[k] = hexIdsToBytes(x);
    }
  }
  return out;
}

// Decode one request body; throws when the oracle rejects it.
function decodeProtobuf(signal, buf) {
  return SIGNALS[signal].req.decode(buf);
}
function decodeJson(signal, text) {
  const T = SIGNALS[signal].req;
  const msg = T.fromObject(hexIdsToBytes(JSON.parse(text)));
  const err = T.verify(msg);
  if (err) throw new Error(err);
  return msg;
}
function decodeRequest(signal, contentType, buf) {
  if (/^application\/json/i.test(contentType)) return decodeJson(signal, buf.toString('utf8'));
  if (/^application\/x-protobuf/i.test(contentType)) return decodeProtobuf(signal, buf);
  throw new Error(`unexpected content type ${contentType}`);
}

// Plain object with 64-bit numbers as strings and bytes as hex.
function toPlain(signal, msg) {
  const o = SIGNALS[signal].req.toObject(msg, { longs: String, bytes: String, defaults: false });
  return JSON.parse(JSON.stringify(o, (k, v) => (k in HEX_IDS && typeof v === 'string' ? Buffer.from(v, 'base64').toString('hex') : v)));
}

// What a test checks first: span names, metric names or log bodies, in order.
function itemNames(signal, msg) {
  const names = [];
  if (signal === 'traces')
    for (const rs of msg.resourceSpans || []) for (const ss of rs.scopeSpans || []) for (const s of ss.spans || []) names.push(s.name);
  if (signal === 'metrics')
    for (const rm of msg.resourceMetrics || []) for (const sm of rm.scopeMetrics || []) for (const m of sm.metrics || []) names.push(m.name);
  if (signal === 'logs')
    for (const rl of msg.resourceLogs || []) for (const sl of rl.scopeLogs || []) for (const l of sl.logRecords || []) names.push(l.body ? l.body.stringValue : null);
  return names;
}

// google.rpc.Status { int32 code = 1; string message = 2 } (not in root.js).
function encodeStatus(code, message) {
  return Buffer.from(Writer.create().uint32(8).int32(code).uint32(18).string(message).finish());
}

function responseBody(signal, json, action) {
  if (action.status && action.status !== 200) {
    const message = action.message || `scripted ${action.status}`;
    return json ? Buffer.from(JSON.stringify({ code: 3, message })) : encodeStatus(3, message);
  }
  if (action.partial !== undefined) {
    const ps = { [SIGNALS[signal].rejected]: action.partial, errorMessage: action.message || '' };
    if (json) return Buffer.from(JSON.stringify({ partialSuccess: { ...ps, [SIGNALS[signal].rejected]: String(action.partial) } }));
    return Buffer.from(SIGNALS[signal].resp.encode(SIGNALS[signal].resp.fromObject({ partialSuccess: ps })).finish());
  }
  return json ? Buffer.from('{}') : Buffer.alloc(0);
}

function parseArgs(argv) {
  const a = { port: 0, host: '127.0.0.1', maxMs: 60000, script: [], keepaliveMs: 5000 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i], v = argv[i + 1];
    if (k === '--port') a.port = Number(v);
    else if (k === '--host') a.host = v;
    else if (k === '--ready') a.ready = v;
    else if (k === '--log') a.log = v;
    else if (k === '--max-ms') a.maxMs = Number(v);
    else if (k === '--keepalive-ms') a.keepaliveMs = Number(v);
    else if (k === '--script') a.script = JSON.parse(v);
    else if (k === '--bodies') a.bodies = v;
    else throw new Error(`unknown option ${k}`);
  }
  const expanded = [];
  for (const s of a.script) for (let n = 0; n < (s.times || 1); n++) expanded.push(s);
  a.script = expanded;
  return a;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (o) => fs.appendFileSync(args.log, JSON.stringify({ t: Date.now(), ...o }) + '\n');
  let nreq = 0, nconn = 0;

  const server = http.createServer((req, res) => {
    const n = nreq++;
    const action = args.script[n] || {};
    const conn = req.socket.rawtelConn;
    const signal = signalOfPath(req.url);
    if (action.close) {
      log({ event: 'request', n, conn, path: req.url, action });
      req.socket.destroy();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const ctype = req.headers['content-type'] || '';
      const enc = req.headers['content-encoding'] || '';
      let body;
      try {
        body = enc === 'gzip' ? zlib.gunzipSync(wire) : enc === '' ? wire : null;
      } catch (e) {
        body = null;
      }
      const entry = { event: 'request', n, conn, method: req.method, path: req.url, signal, ctype, bytes: body ? body.length : 0, wireBytes: wire.length, headers: req.headers, action };
      if (!body) {
        entry.error = `bad content-encoding '${enc}' body`;
        log(entry);
        res.writeHead(415, { 'Content-Type': 'text/plain' }).end('bad encoding');
        return;
      }
      if (!signal) {
        entry.error = 'unknown path';
        log(entry);
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such path');
        return;
      }
      if (args.bodies)
        fs.writeFileSync(path.join(args.bodies, `${String(n).padStart(6, '0')}-${signal}.${/json/.test(ctype) ? 'json' : 'pb'}`), body);
      try {
        const msg = decodeRequest(signal, ctype, body);
        entry.ok = true;
        entry.items = itemNames(signal, msg);
      } catch (e) {
        entry.ok = false;
        entry.error = String(e.message || e);
      }
      log(entry);
      const json = /json/.test(ctype);
      const out = responseBody(signal, json, action);
      const headers = { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
      if (action.retryAfter !== undefined) headers['Retry-After'] = String(action.retryAfter);
      if (!action.chunked) headers['Content-Length'] = out.length;
      setTimeout(() => {
        if (res.socket && !res.socket.destroyed) {
          res.writeHead(action.status || 200, headers);
          res.end(out);
        }
      }, action.delayMs || 0);
    });
  });
  server.keepAliveTimeout = args.keepaliveMs;
  server.on('connection', (sock) => {
    sock.rawtelConn = nconn++;
    log({ event: 'connection', conn: sock.rawtelConn });
  });
  server.listen(args.port, args.host, () => {
    if (args.ready) fs.writeFileSync(args.ready, String(server.address().port));
  });
  setTimeout(() => process.exit(0), args.maxMs).unref();
  process.on('SIGTERM', () => process.exit(0));
}

module.exports = { SIGNALS, signalOfPath, hexIdsToBytes, decodeProtobuf, decodeJson, decodeRequest, toPlain, itemNames, encodeStatus };

if (require.main === module) main();
