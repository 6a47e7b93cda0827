/* global process, performance, setImmediate */
/* eslint-disable no-restricted-properties -- the bench is not the server: it reads its options from the environment */
// The floor: a bare Socket.IO server over HTTPS with the same certificate, namespace and transport as Avisa,
// no authentication, no database. POST /broadcast {payload} emits it once to every client of the namespace;
// it counts `receipt` events (acknowledging each with { ok: true }) and tells the parent over IPC when it has
// collected one per connected client.
//
// With a fourth argument, an SQLite file, it is also the floor of the throughput scenario: the least a server can do
// and keep Avisa's guarantees for a private alert. `POST /api/v1/messages` with the bearer token whose SHA-256 is
// FLOOR_TOKEN_SHA256 and a body {target: {kind: 'receiver', name}, text} is stored (a message row and a delivery
// row, WAL with synchronous=FULL, every request of one event-loop turn in one transaction), answered 201 once
// committed, and pushed to the socket whose handshake named that site; a `receipt` {id, state: 'delivered'} marks
// the delivery, committed the same way before it is acknowledged. A site that connects is sent what is still
// queued for it (the storm scenario: IPC {type: 'queue', alerts} stores alerts for every site seen so far).
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { Server } from 'socket.io';

// The very engine options Avisa's gateways use, from the build the bench runs anyway.
const { SOCKET_OPTIONS } = createRequire(import.meta.url)(
  '../dist/apps/server/apps/server/src/client-gateway/socket-options.js',
);

const [certFile, keyFile, portArg, dbFile] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const pending = new Map(); // id -> { expected, got, started }

const https = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  if (dbFile && req.method === 'POST' && req.url === '/api/v1/messages') {
    privateAlert(req, res);
    return;
  }
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
  if (dbFile) {
    siteSocket(socket);
    return;
  }
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

// ---------- private alerts (the throughput floor) ----------

const db = dbFile ? openDatabase(dbFile) : null;
const sockets = new Map(); // site name -> socket
const tokenHash = process.env.FLOOR_TOKEN_SHA256 ?? '';
let commits = 0;

function openDatabase(file) {
  const Database = createRequire(import.meta.url)('better-sqlite3');
  const d = new Database(file);
  d.pragma('journal_mode = WAL');
  d.pragma('synchronous = FULL');
  d.exec(`CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, text TEXT NOT NULL, created_at INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, message_id TEXT NOT NULL,
            receiver_name TEXT NOT NULL, state TEXT NOT NULL, delivered_at INTEGER);
          CREATE UNIQUE INDEX IF NOT EXISTS deliveries_message_site ON deliveries (message_id, receiver_name);
          CREATE INDEX IF NOT EXISTS deliveries_site_state ON deliveries (receiver_name, state);`);
  return d;
}

/** Work queued in this event-loop turn, written in one transaction at its end (what Avisa's batchers do). */
function batcher(write) {
  let queue = [];
  return (item) => {
    if (queue.length === 0) {
      setImmediate(() => {
        const batch = queue;
        queue = [];
        db.transaction(() => batch.forEach(write.row))();
        commits++;
        batch.forEach(write.after);
      });
    }
    queue.push(item);
  };
}

const insertMessage = db?.prepare('INSERT INTO messages (id, text, created_at) VALUES (?, ?, ?)');
const insertDelivery = db?.prepare("INSERT INTO deliveries (message_id, receiver_name, state) VALUES (?, ?, 'sent')");
const markDelivered = db?.prepare(
  "UPDATE deliveries SET state = 'delivered', delivered_at = ? WHERE message_id = ? AND receiver_name = ? AND state <> 'delivered'",
);
const queueDelivery = db?.prepare("INSERT INTO deliveries (message_id, receiver_name, state) VALUES (?, ?, 'queued')");
const queuedFor = db?.prepare(
  "SELECT m.id, m.text, m.created_at AS at FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE d.receiver_name = ? AND d.state = 'queued'",
);
const known = new Set(); // every site name seen since start (the storm queues alerts for them)

const alertPayload = (id, text, at) => ({
  id,
  text,
  priority: 'normal',
  sender: 'token:bench',
  sentAt: new Date(at).toISOString(),
  expiresAt: new Date(at + 86_400_000).toISOString(),
  reminder: 0,
});

const accept = batcher({
  row: (a) => {
    insertMessage.run(a.id, a.text, a.at);
    insertDelivery.run(a.id, a.name);
  },
  after: (a) => {
    a.res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: a.id, online: [a.name] }));
    sockets.get(a.name)?.emit('alert', alertPayload(a.id, a.text, a.at));
  },
});

const receive = batcher({
  row: (r) => markDelivered.run(Date.now(), r.id, r.name),
  after: (r) => r.ack({ ok: true }),
});

function refuse(res, status, error) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
}

function privateAlert(req, res) {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  if (createHash('sha256').update(bearer).digest('hex') !== tokenHash) {
    req.resume();
    refuse(res, 401, 'unauthorized');
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      refuse(res, 400, 'body is not JSON');
      return;
    }
    const name = parsed?.target?.name;
    const text = parsed?.text;
    if (parsed?.target?.kind !== 'receiver' || typeof name !== 'string' || typeof text !== 'string' || !text) {
      refuse(res, 400, 'target {kind: receiver, name} and text are required');
      return;
    }
    if (!sockets.has(name)) {
      refuse(res, 404, 'site not connected');
      return;
    }
    accept({ id: randomUUID(), name, text, at: Date.now(), res });
  });
}

function siteSocket(socket) {
  const name = String(socket.handshake.auth?.name ?? '');
  sockets.set(name, socket);
  known.add(name);
  for (const q of queuedFor.all(name)) socket.emit('alert', alertPayload(q.id, q.text, q.at));
  socket.on('disconnect', () => sockets.get(name) === socket && sockets.delete(name));
  socket.on('receipt', (receipt, ack) => {
    if (typeof ack !== 'function') return;
    if (typeof receipt?.id !== 'string' || receipt.state !== 'delivered') {
      ack({ ok: false, error: 'bad receipt' });
      return;
    }
    receive({ id: receipt.id, name, ack });
  });
}

process.on('message', (m) => {
  if (m?.type === 'commits') process.send?.({ type: 'commits', commits });
  if (m?.type === 'queue') {
    const ids = [];
    const at = Date.now();
    db.transaction(() => {
      for (let i = 0; i < m.alerts; i++) {
        const id = randomUUID();
        ids.push(id);
        insertMessage.run(id, `${m.text} (#${i + 1})`, at + i);
        for (const name of known) queueDelivery.run(id, name);
      }
    })();
    process.send?.({ type: 'queued', ids, sites: known.size });
  }
});

// The same accept queue as Avisa's (apps/server/src/main.ts, LISTEN_BACKLOG): as deep as the kernel allows.
https.listen(Number(portArg), '127.0.0.1', 65_535, () => process.send?.({ type: 'listening' }));
process.on('disconnect', () => process.exit(0));
// A clean exit, so that a --cpu-prof profile is written.
process.on('SIGTERM', () => process.exit(0));
