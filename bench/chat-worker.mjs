/* global process, performance, setTimeout, clearTimeout */
// Chat clients: one child process holds a share of the web app's sockets (`/operators`, a session token each, or
// `auth: { room }` against the floor). For each `room.message` it keeps, per bench marker in the text, how many of
// its sockets got it and when the last one did; like the web app it answers `room.delivered {roomId, seq}`, at most once
// a second per room.
import { io } from 'socket.io-client';

const now = () => performance.timeOrigin + performance.now();
const send = (msg) => process.send?.(msg);
const MARKER = /\[bench ([0-9a-f-]+)\]/;
let sockets = [];
const DELIVERED_EVERY_MS = 1000;

/** As the web app does: `room.delivered` at most once a second per socket and room, with the highest number. */
function delivered(socket, roomId, seq) {
  const key = `r${roomId}`;
  const pending = (socket.pendingDelivered ??= {});
  if (pending[key]) {
    pending[key].seq = Math.max(pending[key].seq, seq);
    return;
  }
  const entry = (pending[key] = { seq });
  socket.emit('room.delivered', { roomId, seq });
  setTimeout(() => {
    delete pending[key];
    if (entry.seq > seq) delivered(socket, roomId, entry.seq);
  }, DELIVERED_EVERY_MS);
}
const arrivals = new Map(); // marker -> [count, lastAt]

process.on('message', async (msg) => {
  if (msg.type === 'connect') {
    const { base, ca, clients, concurrency } = msg;
    let next = 0;
    let connected = 0;
    let failed = 0;
    const lane = async () => {
      while (next < clients.length) {
        const auth = clients[next++];
        await new Promise((resolve) => {
          const socket = io(`${base}/operators`, {
            transports: ['websocket'],
            ca,
            auth,
            reconnection: false,
            forceNew: true,
          });
          const timer = setTimeout(() => {
            failed++;
            socket.close();
            resolve();
          }, 20_000);
          socket.once('connect', () => {
            clearTimeout(timer);
            connected++;
            sockets.push(socket);
            resolve();
          });
          socket.once('connect_error', () => {
            clearTimeout(timer);
            failed++;
            resolve();
          });
          socket.on('room.message', (m) => {
            const at = now();
            const marker = MARKER.exec(m.text)?.[1];
            if (!marker) return;
            const seen = arrivals.get(marker);
            if (seen) {
              seen[0]++;
              seen[1] = Math.max(seen[1], at);
            } else arrivals.set(marker, [1, at]);
            if (m.seq > 0) delivered(socket, m.roomId, m.seq);
          });
        });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    send({ type: 'connected', connected, failed });
  } else if (msg.type === 'report') {
    send({ type: 'arrivals', arrivals: [...arrivals.entries()] });
    arrivals.clear();
  } else if (msg.type === 'close') {
    for (const socket of sockets) socket.close();
    sockets = [];
    send({ type: 'closed' });
  }
});
