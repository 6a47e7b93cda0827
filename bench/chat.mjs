/* global console */
// Chat rooms: 1,000 connected users in 100 rooms of 10, messages posted through the API at a steady rate, each
// stored and pushed to every member's socket; time from the POST to the last member's arrival, against a floor
// (a bare Socket.IO server over HTTPS relaying the same messages to the same rooms without storing them). Then
// history pages of 50 read from a room holding 1,000,000 messages, against the same query run straight on the
// SQLite file.
//
// Setting up 1,000 accounts and a million messages through the API would measure bcrypt and the send path, not the
// chat: the server is started once (it migrates), stopped, and the rows are written straight into its SQLite file —
// users, a session per user (the id is the SHA-256 of its token, as the server keeps it), rooms, members, and the
// big room's messages numbered 1…1,000,000 — before it starts again on that file.
import { fork } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, buildConnector, request } from 'undici';
import {
  HERE,
  children,
  cpuSeconds,
  fmt,
  freePort,
  now,
  pct,
  sleep,
  startAvisa,
  stopChild,
  table,
  within,
  dropServerDir,
} from './harness.mjs';

const ROOM_SIZE = 10;
const BIG_ROOM_MESSAGES = 1_000_000;
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.at(-1) };
}

/** Users, their sessions, the rooms of ten and the big room, straight into the stopped server's file. */
function seed(dbFile, users, rooms) {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const at = Date.now();
  const far = at + 24 * 3600_000;
  const tokens = [];
  db.transaction(() => {
    const user = db.prepare(
      `INSERT INTO users (username, display_name, role, enabled, builtin, password_hash, created_at, updated_at)
       VALUES (?, ?, 'member', 1, 0, '$2b$12$benchbenchbenchbenchbeuNUSEDhashvalueXXXXXXXXXXXXXXXX', ?, ?)`,
    );
    const session = db.prepare(
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, NULL, 'bench')`,
    );
    for (let i = 0; i < users; i++) {
      const id = Number(user.run(`chat-${String(i).padStart(4, '0')}`, `Chat user ${i}`, at, at).lastInsertRowid);
      const token = `avs_bench${randomBytes(24).toString('base64url')}`;
      session.run(sha256(token), id, at, at, far);
      tokens.push({ id, token });
    }
    const room = db.prepare(
      `INSERT INTO rooms (name, name_key, description, kind, last_seq, created_at, updated_at) VALUES (?, ?, '', 'private', ?, ?, ?)`,
    );
    const member = db.prepare(
      `INSERT INTO room_members (room_id, user_id, role, delivered_seq, read_seq, joined_at) VALUES (?, ?, ?, 0, 0, ?)`,
    );
    for (let r = 0; r < rooms; r++) {
      const name = `bench-room-${r}`;
      const roomId = Number(room.run(name, name, 0, at, at).lastInsertRowid);
      for (let m = 0; m < ROOM_SIZE; m++)
        member.run(roomId, tokens[r * ROOM_SIZE + m].id, m === 0 ? 'owner' : 'member', at);
      for (let m = 0; m < ROOM_SIZE; m++) tokens[r * ROOM_SIZE + m].roomId = roomId;
    }
  })();
  const bigRoom = Number(
    db
      .prepare(
        `INSERT INTO rooms (name, name_key, description, kind, last_seq, created_at, updated_at) VALUES ('history', 'history', '', 'private', ?, ?, ?)`,
      )
      .run(BIG_ROOM_MESSAGES, at, at).lastInsertRowid,
  );
  db.prepare(
    `INSERT INTO room_members (room_id, user_id, role, delivered_seq, read_seq, joined_at) VALUES (?, ?, 'owner', 0, 0, ?)`,
  ).run(bigRoom, tokens[0].id, at);
  const message = db.prepare(
    `INSERT INTO room_messages (room_id, seq, author_id, author_name, author_display, text, mentions, created_at)
     VALUES (?, ?, ?, 'chat-0000', 'Chat user 0', ?, '', ?)`,
  );
  const text = 'Revisad la temperatura de la nevera de vacunas y anotadlo en el registro, por favor.';
  for (let from = 1; from <= BIG_ROOM_MESSAGES; from += 100_000) {
    db.transaction(() => {
      for (let seq = from; seq < from + 100_000; seq++)
        message.run(bigRoom, seq, tokens[0].id, `${text} #${seq}`, at - (BIG_ROOM_MESSAGES - seq) * 1000);
    })();
  }
  db.close();
  return { tokens, bigRoom };
}

class ChatWorkers {
  constructor(count) {
    this.procs = Array.from({ length: count }, () => {
      const p = fork(join(HERE, 'chat-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.add(p);
      return p;
    });
  }

  ask(type, payloadFor, answer) {
    return Promise.all(
      this.procs.map(
        (p, i) =>
          new Promise((resolve) => {
            const onMessage = (m) => {
              if (m.type !== answer) return;
              p.off('message', onMessage);
              resolve(m);
            };
            p.on('message', onMessage);
            p.send({ type, ...payloadFor(i) });
          }),
      ),
    );
  }

  kill() {
    for (const p of this.procs) p.kill();
  }
}

/** Connects every client, posts `rate` messages a second for `seconds`, and collects when each reached everyone. */
async function converse({ base, ca, clients, workers, post, senders, rate, seconds, phaseMs, pid }) {
  const shares = workers.procs.map((_, i) => clients.filter((_, j) => j % workers.procs.length === i));
  const connected = await within(
    phaseMs,
    'connecting',
    workers.ask('connect', (i) => ({ base, ca, clients: shares[i], concurrency: 25 }), 'connected'),
  );
  const online = connected.reduce((s, c) => s + c.connected, 0);
  await sleep(1000);
  const cpu0 = cpuSeconds(pid);
  const sentAt = new Map();
  const statuses = {};
  const postLatency = [];
  const total = rate * seconds;
  const started = now();
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    const sender = senders[i % senders.length];
    const marker = randomUUID();
    const text = `Mensaje ${i} de prueba para la sala [bench ${marker}]`;
    const t0 = now();
    sentAt.set(marker, t0);
    inFlight.push(
      post(sender, text).then(
        (status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          postLatency.push(now() - t0);
        },
        (error) => (statuses[error.code ?? 'error'] = (statuses[error.code ?? 'error'] ?? 0) + 1),
      ),
    );
  }
  await Promise.all(inFlight);
  const sendingMs = now() - started;
  await sleep(2000);
  const serverCpuSeconds = cpuSeconds(pid) - cpu0;
  const reports = await workers.ask('report', () => ({}), 'arrivals');
  await workers.ask('close', () => ({}), 'closed');
  const reached = new Map();
  for (const report of reports) {
    for (const [marker, [count, lastAt]] of report.arrivals) {
      const seen = reached.get(marker) ?? [0, 0];
      reached.set(marker, [seen[0] + count, Math.max(seen[1], lastAt)]);
    }
  }
  const latencies = [];
  let complete = 0;
  for (const [marker, t0] of sentAt) {
    const [count, lastAt] = reached.get(marker) ?? [0, 0];
    if (count === ROOM_SIZE) {
      complete++;
      latencies.push(lastAt - t0);
    }
  }
  return {
    online,
    sent: total,
    statuses,
    complete,
    sendingMs,
    serverCpuSeconds,
    arrival: spread(latencies),
    post: spread(postLatency),
  };
}

export async function benchChat({ users, rooms, rate, seconds, workers: workerCount, historyReads, phaseMs }) {
  // Seed a migrated file, then run the server on it.
  let server = await startAvisa(null, {
    env: { AVISA_SESSION_IDLE_SECONDS: '86400', AVISA_SESSION_ABSOLUTE_SECONDS: '86400' },
  });
  await stopChild(server.child);
  const seeding = now();
  const { tokens, bigRoom } = seed(server.dbFile, users, rooms);
  const seedMs = now() - seeding;
  server = await startAvisa(server, {
    env: { AVISA_SESSION_IDLE_SECONDS: '86400', AVISA_SESSION_ABSOLUTE_SECONDS: '86400' },
  });
  const workers = new ChatWorkers(workerCount);
  try {
    const pool = new Agent({ connect: buildConnector({ ca: server.ca }), connections: 32, pipelining: 1 });
    const avisaPost = async (sender, text) => {
      const res = await request(`${server.base}/api/v1/rooms/${sender.roomId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        dispatcher: pool,
      });
      await res.body.dump();
      return res.statusCode;
    };
    const avisa = await converse({
      pid: server.child.pid,
      base: server.base,
      ca: server.ca,
      clients: tokens.map((t) => ({ token: t.token })),
      workers,
      post: avisaPost,
      senders: tokens,
      rate,
      seconds,
      phaseMs,
    });
    const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    avisa.stored = db.prepare('SELECT COUNT(*) AS n FROM room_messages WHERE room_id <> ?').get(bigRoom).n;

    // History: newest pages and pages deep in the million.
    const reader = tokens[0].token;
    const page = async (query) => {
      const t0 = now();
      const res = await request(`${server.base}/api/v1/rooms/${bigRoom}/messages?limit=50${query}`, {
        headers: { authorization: `Bearer ${reader}` },
        dispatcher: pool,
      });
      const body = await res.body.json();
      if (res.statusCode !== 200 || body.items.length !== 50) throw new Error(`history page: ${res.statusCode}`);
      return now() - t0;
    };
    for (let i = 0; i < 20; i++) await page('');
    const newest = [];
    const deep = [];
    for (let i = 0; i < historyReads; i++) newest.push(await page(''));
    for (let i = 0; i < historyReads; i++)
      deep.push(await page(`&before=${1 + Math.floor(Math.random() * (BIG_ROOM_MESSAGES - 100)) + 60}`));
    const direct = db.prepare('SELECT * FROM room_messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT 50');
    const floorReads = [];
    for (let i = 0; i < historyReads; i++) {
      const t0 = now();
      direct.all(bigRoom, 1 + Math.floor(Math.random() * BIG_ROOM_MESSAGES));
      floorReads.push(now() - t0);
    }
    db.close();
    await pool.close();
    await stopChild(server.child);

    // The floor, on the same machine right after.
    const port = await freePort();
    const floorProc = fork(
      join(HERE, 'chat-floor.mjs'),
      [join(server.dir, 'certs', 'server.crt'), join(server.dir, 'certs', 'server.key'), String(port)],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    children.add(floorProc);
    await new Promise((resolve) => floorProc.once('message', resolve));
    const floorBase = `https://127.0.0.1:${port}`;
    const floorPool = new Agent({ connect: buildConnector({ ca: server.ca }), connections: 32, pipelining: 1 });
    const floorPost = async (sender, text) => {
      const res = await request(`${floorBase}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ room: sender.roomId, text }),
        dispatcher: floorPool,
      });
      await res.body.dump();
      return res.statusCode;
    };
    const floor = await converse({
      pid: floorProc.pid,
      base: floorBase,
      ca: server.ca,
      clients: tokens.map((t) => ({ room: t.roomId })),
      workers,
      post: floorPost,
      senders: tokens,
      rate,
      seconds,
      phaseMs,
    });
    await floorPool.close();
    await stopChild(floorProc);
    return {
      users,
      rooms,
      rate,
      seconds,
      seedMs,
      avisa,
      floor,
      history: { newest: spread(newest), deep: spread(deep), sqlite: spread(floorReads) },
    };
  } finally {
    workers.kill();
    await stopChild(server.child);
    dropServerDir(server);
  }
}

export function printChat(r) {
  const ratio = (a, b) => (a == null || b == null || !b ? '-' : `${(a / b).toFixed(2)}x`);
  const a = r.avisa;
  const f = r.floor;
  console.log(
    `\nchat: ${r.users} users in ${r.rooms} rooms of ${ROOM_SIZE}, ${r.rate} messages/s for ${r.seconds} s (seeded in ${fmt(r.seedMs)} ms)`,
  );
  console.log(
    table([
      ['figure', 'avisa', 'floor', 'ratio'],
      ['sockets connected', String(a.online), String(f.online), '-'],
      ['messages sent', String(a.sent), String(f.sent), '-'],
      ['answers', JSON.stringify(a.statuses), JSON.stringify(f.statuses), '-'],
      ['reached all 10 members', String(a.complete), String(f.complete), '-'],
      ['stored', String(a.stored), '-', '-'],
      ['sending took (ms)', fmt(a.sendingMs), fmt(f.sendingMs), ratio(a.sendingMs, f.sendingMs)],
      ['send → last member p50 (ms)', fmt(a.arrival.p50), fmt(f.arrival.p50), ratio(a.arrival.p50, f.arrival.p50)],
      ['send → last member p99 (ms)', fmt(a.arrival.p99), fmt(f.arrival.p99), ratio(a.arrival.p99, f.arrival.p99)],
      ['send → last member max (ms)', fmt(a.arrival.max), fmt(f.arrival.max), ratio(a.arrival.max, f.arrival.max)],
      ['POST answered p99 (ms)', fmt(a.post.p99), fmt(f.post.p99), ratio(a.post.p99, f.post.p99)],
      [
        'server CPU while sending (s)',
        fmt(a.serverCpuSeconds),
        fmt(f.serverCpuSeconds),
        ratio(a.serverCpuSeconds, f.serverCpuSeconds),
      ],
    ]),
  );
  const h = r.history;
  console.log(
    table([
      ['history page of 50, 1,000,000 messages', 'p50 (ms)', 'p99 (ms)', 'p50 ratio to SQLite'],
      ['newest page (API, HTTPS)', fmt(h.newest.p50), fmt(h.newest.p99), ratio(h.newest.p50, h.sqlite.p50)],
      ['a page deep in the room (API, HTTPS)', fmt(h.deep.p50), fmt(h.deep.p99), ratio(h.deep.p50, h.sqlite.p50)],
      ['the same query straight on SQLite', fmt(h.sqlite.p50), fmt(h.sqlite.p99), '-'],
    ]),
  );
}
