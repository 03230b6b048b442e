'use strict';
// Checks what `rawtel run --probes http --pid NGINX --output DIR` wrote while
// tests/integ/trace_tls.sh sent HTTPS requests to nginx with curl: one
// connection in TLS 1.3, one capped at TLS 1.2, each with a server name
// (curl --resolve). nginx's own logs are the oracle: its access log (client
// port, request, status) and a second log of each request's TLS facts
// ($ssl_protocol, $ssl_cipher, $ssl_server_name, $ssl_alpn_protocol).
//   node check-run-tls.js NAME OUT_DIR SCENARIO.json
// SCENARIO: { nginx: pid, access: ["port method path status"...],
//   tls: ["port protocol cipher sni alpn"...], libs: TLS library files }
const fs = require('fs');
const { readJsonl, attrs } = require('./otlp-read.js');

const [name, dir, scenFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(scenFile, 'utf8'));
const { spans, metrics, self } = readJsonl(dir);
const fails = [];
const check = (c, what) => { if (!c) fails.push(what); };
const SERVER = 2;

// OpenSSL's names of the suites nginx may pick here, as IANA's (TLS 1.3's
// are IANA's already)
const iana = {
  'ECDHE-RSA-AES256-GCM-SHA384': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305': 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
};
const facts = new Map(sc.tls.map((l) => {
  const [port, proto, cipher, sni, alpn] = l.split(' ');
  return [Number(port), { version: proto.replace(/^TLSv/, ''), cipher: iana[cipher] || cipher, sni, alpn }];
}));

// the SERVER spans: exactly nginx's requests, each with its connection's
// TLS facts
const got = [];
for (const { res, s, a } of spans) {
  check(res['process.pid'] === sc.nginx && s.kind === SERVER && a['url.scheme'] === 'https',
    `span ${s.name} ${JSON.stringify(a)}`);
  got.push([a['client.port'], a['http.request.method'], a['url.path'], a['http.response.status_code']].join(' '));
  const f = facts.get(a['client.port']);
  const want = f && { 'tls.protocol.name': 'tls', 'tls.protocol.version': f.version, 'tls.cipher': f.cipher,
    'rawtel.tls.server_name': f.sni, 'tls.next_protocol': f.alpn, 'tls.established': true };
  const have = want && Object.fromEntries(Object.keys(want).map((k) => [k, a[k]]));
  check(want && JSON.stringify(have) === JSON.stringify(want),
    `${a['url.path']} from port ${a['client.port']}: ${JSON.stringify(have)}, want ${JSON.stringify(want)}`);
}
check(JSON.stringify(got) === JSON.stringify(sc.access), `spans ${JSON.stringify(got)}, want ${JSON.stringify(sc.access)}`);

// one handshake a connection, by version (cumulative: the last export)
const hs = {};
for (const { res, m } of metrics) {
  if (m.name !== 'rawtel.tls.handshake.duration' || res['process.pid'] !== sc.nginx) continue;
  const h = m.histogram, delta = h.aggregationTemporality === 1;
  const seen = {};
  for (const p of h.dataPoints) {
    const v = attrs(p.attributes)['tls.protocol.version'];
    seen[v] = (seen[v] || 0) + Number(p.count);
  }
  for (const [v, n] of Object.entries(seen)) hs[v] = (delta ? hs[v] || 0 : 0) + n;
}
const wantHs = {};
for (const f of facts.values()) wantHs[f.version] = (wantHs[f.version] || 0) + 1;
check(JSON.stringify(Object.entries(hs).sort()) === JSON.stringify(Object.entries(wantHs).sort()),
  `handshakes by version ${JSON.stringify(hs)}, want ${JSON.stringify(wantHs)}`);

// rawtel's own account: every plaintext record bound (nginx uses socket
// BIOs), the library files attached
const ev = (e) => self('rawtel.http.events', { event: e });
check(ev('tls') > 0 && ev('tls_unbound') === 0, `TLS records bound ${ev('tls')}, unbound ${ev('tls_unbound')}`);
check(ev('tls_handshakes') === facts.size && ev('tls_handshakes_unfinished') === 0,
  `handshakes counted ${ev('tls_handshakes')}, unfinished ${ev('tls_handshakes_unfinished')}`);
const libs = (r) => self('rawtel.tls.libraries', { result: r });
check(libs('attached') === sc.libs && libs('failed') === 0,
  `TLS libraries attached ${libs('attached')} (want ${sc.libs}), failed ${libs('failed')}`);

if (fails.length) { console.log(`FAIL ${name}: ${fails.slice(0, 6).join('; ')}`); process.exit(1); }
console.log(`PASS ${name} (${spans.length} spans, ${facts.size} handshakes)`);
