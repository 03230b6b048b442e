'use strict';
// node's https server of tests/integ/run_tls_late.sh (OpenSSL linked into
// node itself): /missing a 404, keep-alive.
//   node tls_late_srv.js PORT CERT KEY
const https = require('https'), fs = require('fs');
const [port, cert, key] = process.argv.slice(2);
https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (q, s) => {
  if (q.url.endsWith('/missing')) { s.statusCode = 404; s.end('no\n'); } else s.end('hello\n');
}).listen(Number(port), '127.0.0.1');
