/* global process */
// The chat floor: a bare Socket.IO server over HTTPS with the same certificate and engine options as Avisa, no
// authentication, no database. A client connects with `auth: { room }` and joins that room; POST /send
// {room, text} answers 201 after emitting `room.message` {id, roomId, text} once to the room — what Avisa does
// for a chat message, without storing it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { Server } from 'socket.io';

const { SOCKET_OPTIONS } = createRequire(import.meta.url)(
  '../dist/apps/server/apps/server/src/client-gateway/socket-options.js',
);
const [certFile, keyFile, portArg] = process.argv.slice(2);

const https = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith('/send')) return void res.writeHead(404).end();
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const { room, text } = JSON.parse(body);
    const message = { id: randomUUID(), roomId: room, seq: 1, text };
    namespace.to(`r:${room}`).emit('room.message', message);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(message));
  });
});
const io = new Server(https, SOCKET_OPTIONS);
const namespace = io.of('/operators');
namespace.on('connection', (socket) => {
  socket.join(`r:${socket.handshake.auth.room}`);
});
// The same accept queue as Avisa's (apps/server/src/main.ts, LISTEN_BACKLOG).
https.listen(Number(portArg), '127.0.0.1', 65_535, () => process.send?.({ type: 'ready' }));
