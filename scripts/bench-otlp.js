'use strict';
// The OpenTelemetry JS side of scripts/bench-otlp: spans per second through
// ProtobufTraceSerializer.serializeRequest (@opentelemetry/otlp-transformer
// 0.52.1: createExportTraceServiceRequest, then the generated root.js
// encoder), from ReadableSpan-shaped objects to request bytes, in batches
// of 512 spans shaped like scripts/bench_otlp.c's.
// Prints: spans_per_sec=N bytes_per_span=N
const path = require('path');
const { ProtobufTraceSerializer } = require(path.join(__dirname,
	'../tests/node/node_modules/@opentelemetry/otlp-transformer'));

const BATCH = 512;
const secs = Number(process.argv[2] || 1);
const resource = { attributes: {
	'service.name': 'checkout', 'process.pid': 4242,
	'process.executable.name': 'nginx', 'process.executable.path': '/usr/sbin/nginx',
	'host.name': 'edge-01', 'os.type': 'linux',
	'telemetry.sdk.name': 'rawtel', 'telemetry.sdk.language': 'c',
} };
const scope = { name: 'rawtel/http', version: '0.1.0' };
const hex = (n, bytes) => n.toString(16).padStart(2 * bytes, '0');

function spans(round) {
	const out = [];
	for (let i = 0; i < BATCH; i++) {
		const id = round * BATCH + i + 1;
		// little-endian id bytes, as the C side writes them
		const sid = Buffer.alloc(8);
		sid.writeBigUInt64LE(BigInt(id));
		const tid = Buffer.from(Array.from({ length: 16 }, (_, k) => 0x10 + k));
		tid[15] = i & 0xff;
		const start = 1700000000000000000n + BigInt(id) * 1000000n;
		const end = start + 1234567n;
		const hr = (t) => [Number(t / 1000000000n), Number(t % 1000000000n)];
		out.push({
			name: 'GET /api/users/{id}', kind: 1 /* SERVER */,
			spanContext: () => ({ traceId: tid.toString('hex'), spanId: sid.toString('hex'), traceFlags: 1 }),
			parentSpanId: '3031323334353637',
			startTime: hr(start), endTime: hr(end),
			attributes: {
				'http.request.method': 'GET', 'url.path': '/api/users/12345',
				'url.scheme': 'http', 'http.route': '/api/users/{id}',
				'http.response.status_code': 200, 'server.address': 'localhost',
				'server.port': 8080, 'network.peer.address': '127.0.0.1',
				'network.peer.port': 54321, 'user_agent.original': 'curl/8.5.0',
			},
			droppedAttributesCount: 0, events: [], droppedEventsCount: 0,
			status: { code: 0 }, links: [], droppedLinksCount: 0,
			resource, instrumentationLibrary: scope,
		});
	}
	return out;
}

// The spans exist before the clock starts: an SDK has them already.
const rounds = [spans(0), spans(1), spans(2), spans(3)];
for (let i = 0; i < 50; i++)	// warm up the JIT
	ProtobufTraceSerializer.serializeRequest(rounds[i & 3]);
let n = 0, bytes = 0;
const t0 = process.hrtime.bigint();
let t;
do {
	bytes = ProtobufTraceSerializer.serializeRequest(rounds[n & 3]).length;
	n++;
	t = process.hrtime.bigint();
} while (Number(t - t0) / 1e9 < secs);
const el = Number(t - t0) / 1e9;
console.log(`spans_per_sec=${(n * BATCH / el).toFixed(0)} bytes_per_span=${(bytes / BATCH).toFixed(1)}`);
