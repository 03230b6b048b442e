'use strict';
// Independent OTLP decoder for rawtel's tests, built on the OpenTelemetry
// project's generated protobuf code (@opentelemetry/otlp-transformer 0.52.1,
// build/src/generated/root.js, pinned by package-lock.json).
//
//   const { decode } = require('./otlp-decode');
//   decode('traces' | 'metrics' | 'logs', body /* Buffer */, 'protobuf' | 'json')
//
// returns the ExportXServiceRequest as a plain object with the OTLP JSON
// field names: every bytes field as a lowercase hex string, 64-bit integers
// as decimal strings, enums as numbers, doubles as numbers (NaN, Infinity
// included), fields absent from the message left out. Throws on a body that
// is not a valid request. JSON bodies are also held to the OTLP JSON rules
// (valid UTF-8, hex ids, 64-bit integers as strings, enums as integers).
//
// root.js 0.52.1 predates three fields (Span.flags = 16, Span.Link.flags = 6,
// LogRecord.event_name = 12); they are read here with protobufjs's own Reader
// (protobuf) or from the parsed JSON, so the result has every field.

const path = require('path');
const root = require(path.join(__dirname,
	'node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js'));
const protobuf = require(path.join(__dirname, 'node_modules/protobufjs/minimal'));

const v1 = root.opentelemetry.proto.collector;
const TYPES = {
	traces: v1.trace.v1.ExportTraceServiceRequest,
	metrics: v1.metrics.v1.ExportMetricsServiceRequest,
	logs: v1.logs.v1.ExportLogsServiceRequest,
};
const RESPONSES = {
	traces: v1.trace.v1.ExportTraceServiceResponse,
	metrics: v1.metrics.v1.ExportMetricsServiceResponse,
	logs: v1.logs.v1.ExportLogsServiceResponse,
};
const KEYS = {
	traces: ['resourceSpans', 'scopeSpans', 'spans'],
	metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
	logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
};
const BYTES = new Set(['traceId', 'spanId', 'parentSpanId', 'bytesValue']);
const HEX_IDS = { traceId: 32, spanId: 16, parentSpanId: 16 };
const INT64 = new Set(['intValue', 'asInt', 'timeUnixNano', 'startTimeUnixNano',
	'endTimeUnixNano', 'observedTimeUnixNano', 'count']);
const ENUMS = new Set(['kind', 'code', 'severityNumber', 'aggregationTemporality']);
const TO_OBJECT = { longs: String, bytes: String, enums: Number, defaults: false };

function b64ToHex(s) {
	return Buffer.from(s, 'base64').toString('hex');
}

// fixed64 fields: the generated fromObject() parses "18446744073709551615"
// into a signed Long, which toObject() then prints as "-1"; same bits.
const UINT64 = new Set(['timeUnixNano', 'startTimeUnixNano', 'endTimeUnixNano',
	'observedTimeUnixNano', 'count', 'bucketCounts']);
const unsigned = (s) => s.startsWith('-') ? String(BigInt(s) + (1n << 64n)) : s;

// toObject() output: bytes (base64) -> hex, fixed64 unsigned, and no
// protobufjs "_sum"-style oneof markers for proto3 `optional` fields.
function normalize(v) {
	if (Array.isArray(v))
		return v.map(normalize);
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, x] of Object.entries(v)) {
		if (k.startsWith('_'))
			continue;
		if (BYTES.has(k) && typeof x === 'string')
			out[k] = b64ToHex(x);
		else if (UINT64.has(k) && typeof x === 'string')
			out[k] = unsigned(x);
		else if (UINT64.has(k) && Array.isArray(x))
			out[k] = x.map(unsigned);
		else
			out[k] = normalize(x);
	}
	return out;
}

// Walk a protobuf message with protobufjs's Reader; fn(field, wireType,
// reader) reads the field's value and returns true, or returns false to
// have it skipped.
function walk(buf, fn) {
	const r = protobuf.Reader.create(buf);
	while (r.pos < r.len) {
		const tag = r.uint32();
		if (!fn(tag >>> 3, tag & 7, r))
			r.skipType(tag & 7);
	}
}

// Each length-delimited field `num` of buf, as a sub-buffer, in order.
function subs(buf, num) {
	const out = [];
	walk(buf, (f, wt, r) => {
		if (f !== num || wt !== 2)
			return false;
		out.push(r.bytes());
		return true;
	});
	return out;
}

// Fill in the fields root.js does not know, from the protobuf bytes.
function addNewerFields(signal, buf, obj) {
	const [rk, sk, ik] = KEYS[signal];
	subs(buf, 1).forEach((rbuf, ri) => {
		subs(rbuf, 2).forEach((sbuf, si) => {
			subs(sbuf, 2).forEach((ibuf, ii) => {
				const item = obj[rk][ri][sk][si][ik][ii];
				if (signal === 'traces') {
					walk(ibuf, (f, wt, r) => {
						if (f !== 16 || wt !== 5)
							return false;
						item.flags = r.fixed32();
						return true;
					});
					subs(ibuf, 13).forEach((lbuf, li) => {
						walk(lbuf, (f, wt, r) => {
							if (f !== 6 || wt !== 5)
								return false;
							item.links[li].flags = r.fixed32();
							return true;
						});
					});
				} else if (signal === 'logs') {
					walk(ibuf, (f, wt, r) => {
						if (f !== 12 || wt !== 2)
							return false;
						item.eventName = r.string();
						return true;
					});
				}
			});
		});
	});
}

// The OTLP JSON rules the generated fromObject() would let pass.
function checkJsonRules(v, where) {
	if (Array.isArray(v)) {
		v.forEach((x, i) => checkJsonRules(x, `${where}[${i}]`));
		return;
	}
	if (v === null || typeof v !== 'object')
		return;
	for (const [k, x] of Object.entries(v)) {
		const at = `${where}.${k}`;
		if (k in HEX_IDS) {
			if (typeof x !== 'string' || !/^[0-9a-f]*$/.test(x) ||
			    (x.length !== HEX_IDS[k] && x.length !== 0))
				throw new Error(`${at}: not a ${HEX_IDS[k]}-digit lowercase hex id: ${JSON.stringify(x)}`);
		} else if (INT64.has(k)) {
			if (typeof x !== 'string' || !/^-?[0-9]+$/.test(x))
				throw new Error(`${at}: 64-bit integer not a decimal string: ${JSON.stringify(x)}`);
		} else if (k === 'bucketCounts') {
			if (!x.every((c) => typeof c === 'string' && /^[0-9]+$/.test(c)))
				throw new Error(`${at}: counts must be decimal strings`);
		} else if (ENUMS.has(k) || k === 'flags' || k.startsWith('dropped')) {
			if (!Number.isInteger(x))
				throw new Error(`${at}: must be an integer: ${JSON.stringify(x)}`);
		} else if (k === 'bytesValue') {
			if (typeof x !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(x) || x.length % 4)
				throw new Error(`${at}: not base64: ${JSON.stringify(x)}`);
		} else {
			checkJsonRules(x, at);
		}
	}
}

// Hex ids -> Buffers so fromObject() (which expects base64) takes them.
function idsToBuffers(v) {
	if (Array.isArray(v))
		return v.map(idsToBuffers);
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, x] of Object.entries(v))
		out[k] = k in HEX_IDS ? Buffer.from(x, 'hex') : idsToBuffers(x);
	return out;
}

function addNewerFieldsJson(signal, raw, obj) {
	const [rk, sk, ik] = KEYS[signal];
	(raw[rk] || []).forEach((r, ri) => (r[sk] || []).forEach((s, si) =>
		(s[ik] || []).forEach((it, ii) => {
			const item = obj[rk][ri][sk][si][ik][ii];
			if (signal === 'traces') {
				if (it.flags !== undefined)
					item.flags = it.flags;
				(it.links || []).forEach((l, li) => {
					if (l.flags !== undefined)
						item.links[li].flags = l.flags;
				});
			} else if (signal === 'logs' && it.eventName !== undefined) {
				item.eventName = String(it.eventName);
			}
		})));
}

function parseJsonStrict(body) {
	const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
	return JSON.parse(text);
}

function decode(signal, body, format) {
	const T = TYPES[signal];
	if (!T)
		throw new Error(`unknown signal ${signal}`);
	let obj;
	if (format === 'protobuf') {
		obj = normalize(T.toObject(T.decode(body), TO_OBJECT));
		addNewerFields(signal, body, obj);
	} else if (format === 'json') {
		const raw = parseJsonStrict(body);
		checkJsonRules(raw, '$');
		obj = normalize(T.toObject(T.fromObject(idsToBuffers(raw)), TO_OBJECT));
		addNewerFieldsJson(signal, raw, obj);
	} else {
		throw new Error(`unknown format ${format}`);
	}
	return obj;
}

// ExportXServiceResponse, for receivers that answer.
function encodeResponse(signal, rejected, message, format) {
	const R = RESPONSES[signal];
	const field = { traces: 'rejectedSpans', metrics: 'rejectedDataPoints',
		logs: 'rejectedLogRecords' }[signal];
	const obj = rejected || message ?
		{ partialSuccess: { [field]: String(rejected || 0), errorMessage: message || '' } } : {};
	if (format === 'json')
		return Buffer.from(JSON.stringify(obj));
	return Buffer.from(R.encode(R.fromObject(obj)).finish());
}

module.exports = { decode, encodeResponse, KEYS };
