// Independent HTTP/1 parser for tests/unit/test_http1_node.c: Node's own
// (llhttp, through node:_http_common's HTTPParser) parses conversations
// that the C test generated, and prints one line per exchange in the
// form the test prints its own parser's exchanges.
//   node http1-oracle.js FILE
// FILE: conversations, each [u32le n][requests][u32le n][responses].
// Both streams are fed a byte at a time so each message's end offset is
// exact; the response parser is told which responses answer HEAD (no
// body); 1xx interim responses are skipped as exchanges; a response
// stream ends with the connection's close (finish()).
'use strict';
const fs = require('fs');
const { HTTPParser, methods } = require('_http_common');

function header(h, name) {
	for (let i = 0; i < h.length; i += 2)
		if (h[i].toLowerCase() === name) return h[i + 1];
	return null;
}

// Parse one stream; returns [{ head, end }] per message.
function parse(kind, buf, headMethods) {
	const p = new HTTPParser();
	const out = [];
	let cur = null, at = 0, finals = 0;
	p.initialize(kind, {});
	p[HTTPParser.kOnHeadersComplete] = function (maj, min, h, m, url, st) {
		cur = { maj, min, h, method: methods[m], url, st };
		if (kind === HTTPParser.RESPONSE && (st >= 200 || st === 101)) {
			const skip = headMethods[finals++] === 'HEAD';
			return skip ? 1 : 0;
		}
		return 0;
	};
	p[HTTPParser.kOnMessageComplete] = function () {
		cur.end = at;
		out.push(cur);
	};
	for (let i = 0; i < buf.length; i++) {
		at = i + 1;
		const r = p.execute(buf.subarray(i, i + 1));
		if (r instanceof Error)
			throw new Error(`${kind === HTTPParser.REQUEST ? 'request' : 'response'} byte ${i}: ${r.code} ${r.reason}`);
	}
	at = buf.length;
	const r = p.finish();
	if (r instanceof Error) throw new Error('at the close: ' + r.message);
	return out;
}

const data = fs.readFileSync(process.argv[2]);
const lines = [];
for (let off = 0, conv = 0; off < data.length; conv++) {
	const qn = data.readUInt32LE(off);
	const q = data.subarray(off + 4, off + 4 + qn);
	off += 4 + qn;
	const rn = data.readUInt32LE(off);
	const r = data.subarray(off + 4, off + 4 + rn);
	off += 4 + rn;
	try {
		const reqs = parse(HTTPParser.REQUEST, q, []);
		const resps = parse(HTTPParser.RESPONSE, r, reqs.map((x) => x.method));
		let qprev = 0, rprev = 0, ri = 0;
		for (let i = 0; i < reqs.length; i++) {
			const a = reqs[i];
			let b = resps[ri++];
			// an interim response: its bytes are not the final's
			while (b && b.st >= 100 && b.st < 200 && b.st !== 101) {
				rprev = b.end;
				b = resps[ri++];
			}
			const qcl = header(a.h, 'content-length');
			const rcl = b ? header(b.h, 'content-length') : null;
			lines.push(`c=${conv} i=${i} m=${a.method} u=${a.url} v=${a.maj}.${a.min}` +
				` h=${header(a.h, 'host') || ''} a=${header(a.h, 'user-agent') || ''}` +
				` s=${b ? b.st : 0} rv=${b ? b.maj + '.' + b.min : '-'}` +
				` qb=${a.end - qprev} rb=${b ? b.end - rprev : 0}` +
				` qcl=${qcl === null ? -1 : Number(qcl)} rcl=${rcl === null ? -1 : Number(rcl)}`);
			qprev = a.end;
			if (b) rprev = b.end;
		}
	} catch (e) {
		lines.push(`c=${conv} error ${e.message}`);
	}
}
process.stdout.write(lines.join('\n') + '\n');
