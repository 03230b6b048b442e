'use strict';
// The server of tests/integ/run_peer_short.sh: node's http and https
// servers in one process (libuv accepts with accept4(fd, NULL, NULL): no
// peer's address), answering every GET with 200. Writes READY once both
// listen, then serves until killed.
//   node peer_short.js DIR HTTP_PORT HTTPS_PORT READY
const http = require('http'), https = require('https'), fs = require('fs'), path = require('path');
const [dir, hPort, sPort, ready] = process.argv.slice(2);
const answer = (q, s) => s.end('ok\n');
const tls = { cert: fs.readFileSync(path.join(dir, 'cert.pem')), key: fs.readFileSync(path.join(dir, 'key.pem')) };
const h = http.createServer(answer), s = https.createServer(tls, answer);
let up = 0;
const listening = () => { if (++up === 2) fs.writeFileSync(ready, String(process.pid)); };
h.listen(Number(hPort), '127.0.0.1', listening);
s.listen(Number(sPort), '127.0.0.1', listening);
