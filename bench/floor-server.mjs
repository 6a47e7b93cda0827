/* global process, performance */
// The floor: a bare Socket.IO server over HTTPS with the same certificate, namespace and transport as Avisa,
// no authentication, no database. POST /broadcast {payload} emits it once to every client of the namespace;
// it counts `receipt` events (acknowledging each with { ok: true }) and tells the parent over IPC when it has
// collected one per connected client.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { Server } from 'socket.io';

// The very engine options Avisa's gateways use, from the build the bench runs anyway.
const { SOCKET_OPTIONS } = createRequire(import.meta.url)(
  '../dist/apps/server/apps/server/src/client-gateway/socket-options.js',
);

const [certFile, keyFile, portArg] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const pending = new Map(); // id -> { expected, got, started }

const https = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { payload } = JSON.parse(body);
    const expected = namespace.sockets.size;
    pending.set(payload.id, { expected, got: 0, started: now() });
    namespace.emit('alert', payload);
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: payload.id, online: expected }));
  });
});

const io = new Server(https, SOCKET_OPTIONS);
const namespace = io.of('/receivers');
namespace.on('connection', (socket) => {
  socket.on('receipt', (receipt, ack) => {
    if (typeof ack === 'function') ack({ ok: true });
    const p = pending.get(receipt?.id);
    if (!p) return;
    p.got++;
    if (p.got === p.expected) {
      pending.delete(receipt.id);
      process.send?.({ type: 'all-acks', id: receipt.id, at: now() });
    }
  });
});

https.listen(Number(portArg), '127.0.0.1', () => process.send?.({ type: 'listening' }));
process.on('disconnect', () => process.exit(0));
// A clean exit, so that a --cpu-prof profile is written.
process.on('SIGTERM', () => process.exit(0));
