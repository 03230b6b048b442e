'use strict';
// Checks what `rawtel run --probes http --pid SERVER --output DIR` wrote
// while tests/integ/run_tls_leftout.sh drove two curl requests (one
// connection) to python3's https server, which also maps a libssl that
// cannot be probed: the two SERVER spans, and one library failed.
//   node tls_leftout_check.js NAME OUT_DIR SCENARIO.json
const { scenarioCheck } = require('../node/otlp-read.js');

const { sc, spans, self, check, done } = scenarioCheck();
const l = spans.filter((x) => x.res['process.pid'] === sc.pid && x.s.kind === 2);
const got = l.map((x) => `${x.a['url.path']} ${x.a['http.response.status_code']}`).sort();
check(JSON.stringify(got) === JSON.stringify(['/hello 200', '/missing 404']), `SERVER spans: ${got}`);
check(sc.local.length === 2 && sc.local[0] === sc.local[1], `curl's local ports ${sc.local}`);
for (const { a } of l)
  check(a['url.scheme'] === 'https' && a['client.address'] === '127.0.0.1' && a['client.port'] === sc.local[0],
    `${a['url.path']}: ${JSON.stringify(a)}`);
const libs = (r) => self('rawtel.tls.libraries', { result: r });
check(libs('attached') >= 1 && libs('failed') === 1, `TLS libraries attached ${libs('attached')}, failed ${libs('failed')}`);
done();
