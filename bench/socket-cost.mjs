/* global process, console, global, URL, setTimeout */
// node bench/socket-cost.mjs [N]  (default 5000)
// What one idle connection costs a Node.js server before any WebSocket or Socket.IO: N plain TCP connections,
// then N TLS connections (TLS 1.3, an EC P-256 certificate like the one Avisa generates), each server in its own
// process, server RSS measured before and after (after a forced GC), clients in this process. It is the floor
// under the floor: memory per receiver cannot go below what the TLS socket alone costs.
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as tlsServer } from 'node:tls';

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);

if (process.argv[2] === '--serve') {
  const [, , , kind, dir] = process.argv;
  const onSocket = (socket) => socket.on('error', () => undefined);
  const server =
    kind === 'tcp'
      ? netServer(onSocket)
      : tlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, onSocket);
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', () => {
    global.gc();
    process.send({ rssKb: rssKb() });
  });
  process.on('disconnect', () => process.exit(0));
} else {
  const N = Number(process.argv[2] ?? 5000);
  const dir = mkdtempSync(join(tmpdir(), 'avisa-socket-cost-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const rows = [];
    for (const kind of ['tcp', 'tls']) rows.push(await measure(kind, N, dir));
    console.log(`idle connections to a bare Node ${process.version} server, N = ${N}`);
    for (const r of rows)
      console.log(
        `  ${r.kind}: ${r.kbPerConnection.toFixed(1)} KB per connection (RSS ${r.beforeMb} → ${r.afterMb} MB)`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(kind, n, dir) {
  const server = fork(new URL(import.meta.url).pathname, ['--serve', kind, dir], { execArgv: ['--expose-gc'] });
  const next = () => new Promise((resolve) => server.once('message', resolve));
  const { port } = await next();
  const ask = async () => {
    server.send('rss');
    return (await next()).rssKb;
  };
  const before = await ask();
  const sockets = [];
  for (let i = 0; i < n; i += 100) {
    const batch = Array.from(
      { length: Math.min(100, n - i) },
      () =>
        new Promise((resolve, reject) => {
          const socket =
            kind === 'tcp'
              ? netConnect(port, '127.0.0.1', resolve)
              : tlsConnect(
                  { port, host: '127.0.0.1', ca: readFileSync(join(dir, 'cert.pem')), servername: 'localhost' },
                  resolve,
                );
          socket.once('error', reject);
          sockets.push(socket);
        }),
    );
    await Promise.all(batch);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await ask();
  for (const s of sockets) s.destroy();
  server.kill();
  return {
    kind,
    kbPerConnection: (after - before) / n,
    beforeMb: Math.round(before / 1024),
    afterMb: Math.round(after / 1024),
  };
}
