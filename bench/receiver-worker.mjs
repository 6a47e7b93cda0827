/* global process, performance */
// Simulated receivers: one child process holds a share of the Socket.IO connections and speaks the real
// receiver protocol (handshake with name and key, `delivered` receipt with an acknowledgement for each alert).
// The parent drives it over IPC; every timestamp is wall-clock milliseconds with sub-millisecond precision
// (performance.timeOrigin + performance.now()), comparable between processes on the same machine.
import { io } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();
const send = (msg) => process.send?.(msg);

let sockets = [];
let expected = 0; // connected sockets in this worker
const alerts = new Map(); // id -> { recv: number[], acks: number[], ackErrors: number, reported: boolean }

function alertState(id) {
  let s = alerts.get(id);
  if (!s) {
    s = { recv: [], acks: [], ackErrors: 0, reported: false };
    alerts.set(id, s);
  }
  return s;
}

function maybeReport(id) {
  const s = alerts.get(id);
  if (!s || s.reported || s.recv.length < expected || s.acks.length + s.ackErrors < expected) return;
  s.reported = true;
  send({ type: 'alert-done', id, recv: s.recv, acks: s.acks, ackErrors: s.ackErrors });
}

function onAlert(socket, payload) {
  const t = now();
  const s = alertState(payload.id);
  s.recv.push(t);
  socket.emit('receipt', { id: payload.id, state: 'delivered', at: new Date().toISOString() }, (ack) => {
    if (ack && ack.ok === true) s.acks.push(now());
    else s.ackErrors++;
    maybeReport(payload.id);
  });
}

function connectOne(url, ca, cred) {
  return new Promise((resolve) => {
    const socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000,
      ca,
      auth: { name: cred.name, key: cred.key, clientVersion: 'bench', protocol: 1 },
    });
    socket.on('alert', (payload) => onAlert(socket, payload));
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ error: `${error.message}${error.data?.code ? ` (${error.data.code})` : ''}` });
    });
  });
}

async function connectAll({ url, ca, creds, concurrency }) {
  const errors = {};
  let next = 0;
  const started = now();
  async function lane() {
    while (next < creds.length) {
      const cred = creds[next++];
      const result = await connectOne(url, ca, cred);
      if (result.socket) sockets.push(result.socket);
      else errors[result.error] = (errors[result.error] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, creds.length) }, lane));
  expected = sockets.length;
  let disconnects = 0;
  for (const socket of sockets) socket.on('disconnect', () => disconnects++);
  send({
    type: 'connected',
    connected: sockets.length,
    failed: creds.length - sockets.length,
    errors,
    started,
    done: now(),
  });
}

process.on('message', (msg) => {
  if (msg.type === 'connect') void connectAll(msg);
  else if (msg.type === 'close') {
    for (const socket of sockets) socket.close();
    sockets = [];
    expected = 0;
    alerts.clear();
    send({ type: 'closed' });
  } else if (msg.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
