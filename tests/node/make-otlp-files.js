'use strict';
// node make-otlp-files.js DIR
// Writes OTLP files with the OpenTelemetry project's generated encoder, for
// tests/integ/otlp_cat.sh: traces.pb (two length-prefixed requests and a
// torn third), metrics.jsonl (two lines, the last one unterminated and torn),
// logs.bin (no signal in the name), and traces.json (the request as OTLP
// JSON, to compare `rawtel cat --json` with).
const fs = require('fs');
const path = require('path');
const root = require(path.join(__dirname,
	'node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js'));

const C = root.opentelemetry.proto.collector;
const dir = process.argv[2];
const kv = (key, v) => ({ key, value: typeof v === 'string' ? { stringValue: v } :
	Number.isInteger(v) ? { intValue: v } : { doubleValue: v } });
const res = { attributes: [kv('service.name', 'shop'), kv('process.pid', 77)] };

const traces = { resourceSpans: [{ resource: res, scopeSpans: [{ scope: { name: 'js' }, spans: [
	{ traceId: 'q83vEjRWeJCrze8SNFZ4kA==', spanId: 'AQIDBAUGBwg=', parentSpanId: 'CQoLDA0ODxA=',
		name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000',
		endTimeUnixNano: '1700000000250000000',
		attributes: [kv('http.request.method', 'GET'), kv('http.response.status_code', 500)],
		status: { code: 2, message: 'upstream' } },
	{ traceId: 'q83vEjRWeJCrze8SNFZ4kA==', spanId: 'ERESExQVFhc=', name: 'SELECT shop.items',
		kind: 3, startTimeUnixNano: '1700000000010000000', endTimeUnixNano: '1700000000010500000',
		attributes: [kv('db.system.name', 'postgresql')] },
] }] }] };

function framed(T, obj) {
	const b = Buffer.from(T.encode(T.fromObject(obj)).finish());
	const h = Buffer.alloc(4);
	h.writeUInt32BE(b.length);
	return Buffer.concat([h, b]);
}

const t = framed(C.trace.v1.ExportTraceServiceRequest, traces);
fs.writeFileSync(path.join(dir, 'traces.pb'), Buffer.concat([t, t, t.subarray(0, t.length - 7)]));

const T = C.trace.v1.ExportTraceServiceRequest;
const json = T.toObject(T.fromObject(traces), { longs: String, bytes: String, enums: Number });
const hexIds = (o) => {
	for (const s of o.resourceSpans[0].scopeSpans[0].spans)
		for (const k of ['traceId', 'spanId', 'parentSpanId'])
			if (s[k])
				s[k] = Buffer.from(s[k], 'base64').toString('hex');
	return o;
};
fs.writeFileSync(path.join(dir, 'traces.json'), JSON.stringify(hexIds(json)));

const metrics = { resourceMetrics: [{ resource: res, scopeMetrics: [{ scope: { name: 'js' }, metrics: [
	{ name: 'http.server.request.duration', unit: 's', histogram: { aggregationTemporality: 2,
		dataPoints: [{ attributes: [kv('http.route', '/cart')], startTimeUnixNano: '1700000000000000000',
			timeUnixNano: '1700000060000000000', count: '3', sum: 0.75, min: 0.05, max: 0.5,
			bucketCounts: ['0', '2', '1'], explicitBounds: [0.01, 0.1] }] } },
	{ name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano: '1700000060000000000', asInt: '-4' }] } },
] }] }] };
const line = JSON.stringify(metrics);
fs.writeFileSync(path.join(dir, 'metrics.jsonl'), line + '\n' + line + '\n' + line.slice(0, 40));

const logs = { resourceLogs: [{ resource: res, scopeLogs: [{ scope: { name: 'js' }, logRecords: [
	{ timeUnixNano: '1700000000500000000', severityNumber: 17, body: { stringValue: 'payment failed' },
		attributes: [kv('order.id', 'A-17')] },
] }] }] };
fs.writeFileSync(path.join(dir, 'logs.bin'), framed(C.logs.v1.ExportLogsServiceRequest, logs));
