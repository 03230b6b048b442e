'use strict';
// The processes of tests/integ/run_tls_membio.sh, under one pid for
// rawtel run --pid: node's https server and client (TLSWrap: OpenSSL
// linked into node, its ciphertext written into a memory BIO), an asyncio
// HTTPS server (python, MemoryBIO) and a TLS exchange with no socket at all
// (tls_memonly.py), both children. Once the file GO exists: two requests
// from node's client to each server, one connection each held open
// between them, then tls_memonly.py; then writes OUT (JSON: the pids and
// ports) and waits to be killed.
//   node tls_membio.js DIR PY NODE_PORT PY_PORT GO OUT
const https = require('https'), fs = require('fs'), path = require('path'), net = require('net');
const { spawn, spawnSync } = require('child_process');
const [dir, py, nPort, pPort, go, out] = process.argv.slice(2);
const here = __dirname, cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const die = (m) => { console.error(m); process.exit(1); };

async function until(f, what) {
  for (let i = 0; i < 300; i++) { if (await f()) return; await sleep(50); }
  die(`timed out: ${what}`);
}
const open = (port) => new Promise((r) => {
  const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
  s.on('error', () => r(false));
});
// GET each path on one kept-alive connection, 0.5 s apart (rawtel reads
// the server's accept, made without the peer's address, meanwhile)
async function get(port, paths) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  let local = 0;
  for (const p of paths) {
    await new Promise((res, rej) => {
      const q = https.get({ host: '127.0.0.1', port, path: p, agent, rejectUnauthorized: false }, (r) => {
        local = q.socket.localPort; r.resume(); r.on('end', res);
      });
      q.on('error', rej);
    });
    await sleep(500);
  }
  agent.destroy();
  return local;
}

async function main() {
  const srv = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (q, s) => {
    if (q.url.endsWith('/missing')) { s.statusCode = 404; s.end('no\n'); } else s.end('hello\n');
  });
  await new Promise((r) => srv.listen(Number(nPort), '127.0.0.1', r));
  const pys = spawn(py, [path.join(here, 'tls_membio.py'), pPort, cert, key], { stdio: 'inherit' });
  await until(() => open(Number(pPort)), 'the asyncio server');
  fs.writeFileSync(out + '.ready', String(pys.pid));
  await until(() => fs.existsSync(go), 'the go file');
  const nLocal = await get(Number(nPort), ['/n/hello', '/n/missing']);
  const pLocal = await get(Number(pPort), ['/p/hello', '/p/missing']);
  const mem = spawnSync(py, [path.join(here, 'tls_memonly.py'), cert, key], { encoding: 'utf8', timeout: 10000 });
  if (mem.stdout.trim() !== 'ok') die(`tls_memonly.py: ${mem.stdout} ${mem.stderr}`);
  fs.writeFileSync(out, JSON.stringify({ node: process.pid, py: pys.pid, mem: mem.pid, n_port: Number(nPort),
    p_port: Number(pPort), n_local: nLocal, p_local: pLocal }));
}
main().catch((e) => die(String(e)));
