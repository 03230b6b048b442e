'use strict';
// node check-fixtures.js traces|metrics|logs protobuf|json FILE
// Decodes FILE (written by tests/unit/test_otlp_oracle.c from the fixtures
// in tests/unit/otlp_fixtures.h) with the independent decoder and compares
// it, field by field, with the values those fixtures hold. Exit 0 if equal.

const assert = require('assert');
const fs = require('fs');
const { decode } = require('./otlp-decode');

const hexRun = (first, n) => Buffer.from(Array.from({ length: n }, (_, i) => first + i)).toString('hex');
const kvs = (k, v) => ({ key: k, value: { stringValue: v } });

function attrs(format) {
	const inner = [{ key: 'c', value: { doubleValue: 0.25 } }];
	const a = [
		kvs('str', 'h\u00e9llo \u2713 \u65e5\u{1f600}'),
		kvs('esc', 'q"b\\n\nt\tc\x01\x1f/\x7f'),
		kvs('empty', ''),
		{ key: 't', value: { boolValue: true } },
		{ key: 'f', value: { boolValue: false } },
		{ key: 'zero', value: { intValue: '0' } },
		{ key: 'neg', value: { intValue: '-1' } },
		{ key: 'min', value: { intValue: '-9223372036854775808' } },
		{ key: 'max', value: { intValue: '9223372036854775807' } },
		{ key: 'd0', value: { doubleValue: 0 } },
		{ key: 'dneg', value: { doubleValue: -2.5 } },
		{ key: 'dtenth', value: { doubleValue: 0.1 } },
		{ key: 'dbig', value: { doubleValue: 1e300 } },
		{ key: 'nan', value: { doubleValue: NaN } },
		{ key: 'inf', value: { doubleValue: Infinity } },
		{ key: 'ninf', value: { doubleValue: -Infinity } },
		{ key: 'bytes', value: { bytesValue: '000102feff' } },
		{ key: 'nobytes', value: { bytesValue: '' } },
		{ key: 'arr', value: { arrayValue: { values: [
			{ stringValue: 'x' },
			{ intValue: '-42' },
			{ arrayValue: { values: [{ boolValue: true }, { boolValue: false }] } },
			{ kvlistValue: { values: inner } },
			{},
			{ bytesValue: '0001' },
		] } } },
		{ key: 'noarr', value: { arrayValue: {} } },
		{ key: 'kvl', value: { kvlistValue: { values: [
			kvs('a', ''),
			{ key: 'b', value: { kvlistValue: { values: inner } } },
		] } } },
		{ key: 'nokvl', value: { kvlistValue: {} } },
		{ key: 'unset', value: {} },
		kvs('nul\0in', 'a\0b'),
		{ value: { stringValue: 'empty key' } },	// "" is the default: not sent
	];
	if (format === 'json')
		a.push(kvs('bad', 'a\ufffdb\ufffdc\ufffd\ufffd\ufffdd\ufffd'));
	return a;
}

function resource(i) {
	const r = { attributes: [kvs('service.name', `svc-${i}`),
		{ key: 'process.pid', value: { intValue: String(1000 + i) } }] };
	if (i)
		r.droppedAttributesCount = i;
	return r;
}

const richScope = {
	name: 'rawtel/test', version: '1.2.3',
	attributes: [kvs('scope.attr', 'yes')], droppedAttributesCount: 2,
};
const SCOPE_URL = 'https://example.com/scope';
const RES_URL = 'https://opentelemetry.io/schemas/1.26.0';

function traces(format) {
	const evAttr = [{ key: 'ev.n', value: { intValue: '7' } }];
	const full = {
		traceId: hexRun(0x01, 16), spanId: hexRun(0xa1, 8),
		traceState: 'rojo=00f067aa0ba902b7', parentSpanId: hexRun(0xb1, 8),
		name: 'GET /users/{id}', kind: 2,
		startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000123456789',
		attributes: attrs(format), droppedAttributesCount: 3,
		events: [{ timeUnixNano: '1700000000000000500', name: 'ev1', attributes: evAttr,
			droppedAttributesCount: 1 }, {}],
		droppedEventsCount: 4,
		links: [{ traceId: hexRun(0x21, 16), spanId: hexRun(0x31, 8), traceState: 'a=b',
			attributes: evAttr, droppedAttributesCount: 6, flags: 0x301 },
		{ traceId: hexRun(0x41, 16), spanId: hexRun(0x51, 8) }],
		droppedLinksCount: 5,
		status: { message: 'boom', code: 2 },
		flags: 0x101,
	};
	const minimal = { traceId: hexRun(0x02, 16), spanId: hexRun(0xc1, 8) };
	const extremes = {
		traceId: 'ff'.repeat(16), spanId: 'ff'.repeat(8), name: 'max', kind: 5,
		startTimeUnixNano: '18446744073709551614', endTimeUnixNano: '18446744073709551615',
		droppedAttributesCount: 4294967295, droppedEventsCount: 4294967295,
		droppedLinksCount: 4294967295, status: { code: 1 }, flags: 4294967295,
	};
	const second = { traceId: hexRun(0x03, 16), spanId: hexRun(0xd1, 8), name: 'second',
		kind: 3, status: { message: 'message only' } };
	return { resourceSpans: [
		{ resource: resource(0), scopeSpans: [
			{ scope: richScope, spans: [full, minimal], schemaUrl: SCOPE_URL }] },
		{ resource: resource(1), scopeSpans: [
			{ scope: {}, spans: [extremes] },
			{ scope: { name: 'rawtel/other' }, spans: [second] }],
		schemaUrl: RES_URL },
	] };
}

function metrics() {
	const pa = [kvs('http.request.method', 'GET'),
		{ key: 'http.response.status_code', value: { intValue: '200' } }];
	const bounds14 = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
	const c65 = Array.from({ length: 65 }, (_, i) => i === 64 ? '18446744073709551615' : String(i * 1000003));
	return { resourceMetrics: [
		{ resource: resource(0), scopeMetrics: [{ scope: richScope, schemaUrl: SCOPE_URL, metrics: [
			{ name: 'g.int', description: 'an int gauge', unit: '{thing}', gauge: { dataPoints: [
				{ attributes: pa, timeUnixNano: '1700000000000000000', asInt: '-7' },
				{ startTimeUnixNano: '5', timeUnixNano: '6', asInt: '0', flags: 1 }] } },
			{ name: 'g.double', gauge: { dataPoints: [
				{ timeUnixNano: '10', asDouble: NaN },
				{ timeUnixNano: '11', asDouble: -Infinity },
				{ timeUnixNano: '12', asDouble: 0 }] } },
			{ name: 's.mono', unit: 'By', sum: { dataPoints: [
				{ attributes: pa.slice(0, 1), startTimeUnixNano: '100', timeUnixNano: '200',
					asInt: '9223372036854775807' }],
			aggregationTemporality: 2, isMonotonic: true } },
			{ name: 's.delta', sum: { dataPoints: [
				{ startTimeUnixNano: '100', timeUnixNano: '200', asDouble: -0.5 }],
			aggregationTemporality: 1 } },
			{ name: 'http.server.request.duration', unit: 's', histogram: { dataPoints: [
				{ startTimeUnixNano: '1', timeUnixNano: '2', sum: 0, min: 0, max: 0 },
				{ attributes: pa, startTimeUnixNano: '1', timeUnixNano: '3', count: '105',
					sum: 123.5, bucketCounts: Array.from({ length: 15 }, (_, i) => String(i)),
					explicitBounds: bounds14, min: -1 },
				{ timeUnixNano: '4', count: '1', bucketCounts: c65,
					explicitBounds: Array.from({ length: 64 }, (_, i) => i * 1.5 - 10), flags: 1 },
			], aggregationTemporality: 2 } },
		] }] },
		{ resource: resource(1), schemaUrl: RES_URL, scopeMetrics: [{ scope: {}, metrics: [
			{ name: 'other', gauge: { dataPoints: [{ asInt: '1' }] } }] }] },
	] };
}

function logs(format) {
	const a = attrs(format);
	return { resourceLogs: [{ resource: resource(0), scopeLogs: [{ scope: richScope,
		schemaUrl: SCOPE_URL, logRecords: [
			{ timeUnixNano: '1700000000000000001', observedTimeUnixNano: '1700000000000000002',
				severityNumber: 24, severityText: 'FATAL', body: { kvlistValue: { values: a } },
				attributes: a, droppedAttributesCount: 9, flags: 1,
				traceId: hexRun(0x61, 16), spanId: hexRun(0x71, 8),
				eventName: 'rawtel.test.event' },
			{ severityNumber: 9, body: { stringValue: 'hello\nworld' } },
			{},
		] }] }] };
}

const [signal, format, file] = process.argv.slice(2);
const want = { traces, metrics, logs }[signal](format);
const got = decode(signal, fs.readFileSync(file), format);
try {
	assert.deepStrictEqual(got, want);
} catch (e) {
	console.log(`${signal} ${format}: decoded request differs from the fixture:`);
	console.log(e.message.split('\n').slice(0, 80).join('\n'));
	process.exit(1);
}
console.log(`ok ${signal} ${format}`);
