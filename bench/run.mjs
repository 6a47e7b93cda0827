/* global process, console, performance, setTimeout, clearTimeout */
/* eslint-disable no-restricted-properties -- the bench is not the server: it reads its options from the environment */
// npm run bench -- [--sizes 1000,5000,10000] [--rounds 10] [--workers 4] [--phase-timeout 120]
// env: BENCH_SIZES, BENCH_ROUNDS, BENCH_WORKERS, BENCH_PHASE_TIMEOUT_SECONDS, BENCH_CONCURRENCY,
//      BENCH_SERVER_NODE_OPTIONS (extra node flags for the Avisa server, e.g. --cpu-prof)
//
// Capacity and fan-out of the real Avisa server (production build, SQLite file, TLS as shipped) against the
// floor: a bare Socket.IO server over HTTPS broadcasting the same payload to the same number of plain clients.
// Everything on 127.0.0.1; every phase has a time limit; all children are killed on exit.
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Agent, buildConnector, request } from 'undici';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const SERVER_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
const ADMIN_PASSWORD = 'Avisa-bench-admin-Pw!';
const TEXT = 'Retirada urgente del lote 4711 de ibuprofeno 600 mg. Revisen el stock y apártenlo hoy.';

function arg(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1];
  return process.env[envName] || fallback;
}
const SIZES = arg('sizes', 'BENCH_SIZES', '1000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const ROUNDS = Number(arg('rounds', 'BENCH_ROUNDS', '10'));
const WORKERS = Number(arg('workers', 'BENCH_WORKERS', '4'));
const CONCURRENCY = Number(arg('concurrency', 'BENCH_CONCURRENCY', '50')); // handshakes in flight per worker
const PHASE_MS = Number(arg('phase-timeout', 'BENCH_PHASE_TIMEOUT_SECONDS', '120')) * 1000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = new Set();
const tempDirs = new Set();

function cleanup() {
  for (const child of children) {
    try {
      if (child.exitCode === null) child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

function within(ms, what, promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what}: no result within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** RSS after letting the process settle: the lowest of a few samples a little apart. */
async function settledRssKb(pid) {
  let low = Infinity;
  for (let i = 0; i < 5; i++) {
    await sleep(200);
    low = Math.min(low, rssKb(pid));
  }
  return low;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const median = (xs) =>
  pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
const round1 = (x) => Math.round(x * 10) / 10;

// ---------- simulated receivers ----------

class Workers {
  constructor(count) {
    this.procs = Array.from({ length: count }, () => {
      const p = fork(join(HERE, 'receiver-worker.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.add(p);
      return p;
    });
  }

  waitAll(type, filter = () => true) {
    return Promise.all(
      this.procs.map(
        (p) =>
          new Promise((done, fail) => {
            const onMsg = (m) => {
              if (m.type === type && filter(m)) {
                p.off('message', onMsg);
                p.off('exit', onExit);
                done(m);
              }
            };
            const onExit = (code) => fail(new Error(`receiver worker exited with ${code}`));
            p.on('message', onMsg);
            p.once('exit', onExit);
          }),
      ),
    );
  }

  /** Connects every credential, spread over the workers; resolves with the time to connect them all. */
  async connect(url, ca, creds) {
    const shares = this.procs.map(() => []);
    creds.forEach((c, i) => shares[i % shares.length].push(c));
    const reports = this.waitAll('connected');
    const started = now();
    this.procs.forEach((p, i) => p.send({ type: 'connect', url, ca, creds: shares[i], concurrency: CONCURRENCY }));
    const results = await within(PHASE_MS, 'connecting receivers', reports);
    const errors = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    return {
      connected: results.reduce((a, r) => a + r.connected, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors,
      connectAllMs: Math.max(...results.map((r) => r.done)) - started,
    };
  }

  /** Waits for every worker to have received the alert and got every receipt acknowledged. */
  async alertDone(id) {
    const results = await this.waitAll('alert-done', (m) => m.id === id);
    return {
      recv: results.flatMap((r) => r.recv).sort((a, b) => a - b),
      acks: results.flatMap((r) => r.acks).sort((a, b) => a - b),
      ackErrors: results.reduce((a, r) => a + r.ackErrors, 0),
    };
  }

  async close() {
    const done = this.waitAll('closed');
    for (const p of this.procs) p.send({ type: 'close' });
    await within(PHASE_MS, 'closing receivers', done);
  }

  kill() {
    for (const p of this.procs) {
      p.kill('SIGKILL');
      children.delete(p);
    }
  }
}

function arrivalStats(t0, recv, acks) {
  const rel = recv.map((t) => t - t0);
  return {
    received: recv.length,
    firstMs: rel[0],
    medianMs: pct(rel, 50),
    p99Ms: pct(rel, 99),
    lastMs: rel[rel.length - 1],
    lastAckAtClientMs: acks.length ? acks[acks.length - 1] - t0 : null,
  };
}

// ---------- the real server ----------

async function startAvisa() {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-bench-'));
  tempDirs.add(dir);
  const port = await freePort();
  const log = openSync(join(dir, 'server.out'), 'a');
  // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/avisa-prof" to profile the server under load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER_MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      AVISA_HOST: '127.0.0.1',
      AVISA_PORT: String(port),
      AVISA_ADMIN_PASSWORD: ADMIN_PASSWORD,
      AVISA_DATA_DIR: join(dir, 'data'),
      AVISA_LOG_DIR: join(dir, 'logs'),
      AVISA_CERTS_DIR: join(dir, 'certs'),
      AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000000',
      AVISA_LOGIN_IP_LIMIT: '1000000',
    },
    stdio: ['ignore', log, log],
  });
  children.add(child);
  const deadline = Date.now() + 30_000;
  const outFile = join(dir, 'server.out');
  while (!readFileSync(outFile, 'utf8').includes('Avisa listening on')) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode}:\n${readFileSync(outFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`server did not start in 30 s:\n${readFileSync(outFile, 'utf8')}`);
    await sleep(100);
  }
  const ca = readFileSync(join(dir, 'certs', 'server.crt'), 'utf8');
  const dispatcher = new Agent({ connect: buildConnector({ ca }), connections: 8 });
  const base = `https://127.0.0.1:${port}`;
  async function api(method, path, { token, body, raw, contentType } = {}) {
    const headers = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (raw !== undefined) {
      payload = raw;
      headers['content-type'] = contentType ?? 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await request(base + path, { method, headers, body: payload, dispatcher });
    const text = await res.body.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* text */
    }
    return { status: res.statusCode, body: parsed };
  }
  return { dir, port, child, ca, base, api, dispatcher, dbFile: join(dir, 'data', 'avisa.sqlite') };
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
  children.delete(child);
}

async function benchAvisa(n, workers) {
  const server = await startAvisa();
  const login = await server.api('POST', '/api/v1/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.token;

  // Provision through the real API, in chunks that stay under the default 100 kb body limit.
  const creds = [];
  const provisionStarted = now();
  for (let from = 0; from < n; from += 1000) {
    const names = Array.from(
      { length: Math.min(1000, n - from) },
      (_, i) => `bench-${String(from + i).padStart(5, '0')}`,
    );
    const res = await within(
      PHASE_MS,
      'provisioning',
      server.api('POST', '/api/v1/receivers/bulk', {
        token,
        raw: `name\n${names.join('\n')}\n`,
        contentType: 'text/csv',
      }),
    );
    if (res.status !== 201)
      throw new Error(`bulk provisioning failed: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    for (const line of String(res.body).trim().split(/\r?\n/).slice(1)) {
      const [name, key] = line.split(',');
      creds.push({ name, key });
    }
  }
  const provisionMs = now() - provisionStarted;
  if (creds.length !== n) throw new Error(`provisioned ${creds.length} of ${n}`);

  const rssBefore = await settledRssKb(server.child.pid);
  const conn = await workers.connect(`${server.base}/receivers`, server.ca, creds);
  const rssConnected = await settledRssKb(server.child.pid);
  if (conn.connected !== n) console.warn(`  avisa: only ${conn.connected}/${n} connected`, conn.errors);

  const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
  const storedCount = db.prepare(
    "SELECT count(*) AS c FROM deliveries WHERE message_id = ? AND state IN ('delivered', 'read')",
  );
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = now();
    const res = await within(
      PHASE_MS,
      'POST /messages',
      server.api('POST', '/api/v1/messages', {
        token,
        body: { target: { kind: 'all' }, text: `${TEXT} (#${r + 1})`, priority: 'urgent' },
      }),
    );
    const postMs = now() - t0;
    if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
    const id = res.body.id;
    const online = res.body.online.length;
    const arrivals = workers.alertDone(id);
    // Poll the database (read-only) until every delivered receipt is stored.
    let storedMs = null;
    const polled = (async () => {
      for (;;) {
        if (storedCount.get(id).c >= conn.connected) {
          storedMs = now() - t0;
          return;
        }
        await sleep(2);
      }
    })();
    const [got] = await within(PHASE_MS, `fan-out round ${r + 1}`, Promise.all([arrivals, polled]));
    rounds.push({ id, online, postMs, ...arrivalStats(t0, got.recv, got.acks), ackErrors: got.ackErrors, storedMs });
    await sleep(300);
  }
  db.close();
  const rssAfterFanout = rssKb(server.child.pid);
  await workers.close();
  const slowLog = readFileSync(join(server.dir, 'server.out'), 'utf8')
    .split('\n')
    .filter((l) => /warn|error/i.test(l) && !/self-signed|Generated/.test(l))
    .slice(0, 5);
  await stopChild(server.child);
  await server.dispatcher.close();
  return {
    provisionMs,
    rssBeforeKb: rssBefore,
    rssConnectedKb: rssConnected,
    rssAfterFanoutKb: rssAfterFanout,
    kbPerReceiver: (rssConnected - rssBefore) / n,
    ...conn,
    rounds,
    serverWarnings: slowLog,
    certDir: join(server.dir, 'certs'),
    keep: server,
  };
}

// ---------- the floor ----------

async function benchFloor(n, workers, certFile, keyFile) {
  const port = await freePort();
  const child = fork(join(HERE, 'floor-server.mjs'), [certFile, keyFile, String(port)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  await within(
    30_000,
    'floor server start',
    new Promise((r) => child.on('message', (m) => m.type === 'listening' && r())),
  );
  const ca = readFileSync(certFile, 'utf8');
  const dispatcher = new Agent({ connect: buildConnector({ ca }), connections: 8 });
  const base = `https://127.0.0.1:${port}`;
  // Plain clients: the same handshake object is sent (the floor ignores it) so the bytes on the wire match.
  const creds = Array.from({ length: n }, (_, i) => ({
    name: `bench-${String(i).padStart(5, '0')}`,
    key: `avr_${randomUUID()}`,
  }));

  const rssBefore = await settledRssKb(child.pid);
  const conn = await workers.connect(`${base}/receivers`, ca, creds);
  const rssConnected = await settledRssKb(child.pid);

  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const id = randomUUID();
    const payload = {
      id,
      text: `${TEXT} (#${r + 1})`,
      priority: 'urgent',
      sender: 'Administrator',
      sentAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      reminder: 0,
    };
    const allAcks = new Promise((done) => {
      const on = (m) => {
        if (m.type === 'all-acks' && m.id === id) {
          child.off('message', on);
          done(m.at);
        }
      };
      child.on('message', on);
    });
    const arrivals = workers.alertDone(id);
    const t0 = now();
    const res = await request(`${base}/broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload }),
      dispatcher,
    });
    await res.body.text();
    const postMs = now() - t0;
    const [got, ackAt] = await within(PHASE_MS, `floor fan-out round ${r + 1}`, Promise.all([arrivals, allAcks]));
    rounds.push({
      id,
      postMs,
      ...arrivalStats(t0, got.recv, got.acks),
      ackErrors: got.ackErrors,
      storedMs: ackAt - t0,
    });
    await sleep(300);
  }
  const rssAfterFanout = rssKb(child.pid);
  await workers.close();
  await stopChild(child);
  await dispatcher.close();
  return {
    rssBeforeKb: rssBefore,
    rssConnectedKb: rssConnected,
    rssAfterFanoutKb: rssAfterFanout,
    kbPerReceiver: (rssConnected - rssBefore) / n,
    ...conn,
    rounds,
  };
}

// ---------- report ----------

function summarize(result) {
  const keys = ['postMs', 'firstMs', 'medianMs', 'p99Ms', 'lastMs', 'lastAckAtClientMs', 'storedMs'];
  const out = {};
  for (const k of keys) out[k] = median(result.rounds.map((r) => r[k]));
  return out;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '))
    .join('\n');
}

async function main() {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npm run build first`);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemGiB: round1(totalmem() / 2 ** 30),
    freeMemGiB: round1(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  console.log(
    `bench: sizes ${SIZES.join(', ')}, ${ROUNDS} rounds, ${WORKERS} receiver processes, ${CONCURRENCY} handshakes in flight each; ${machine.cpus} CPUs, node ${machine.node}`,
  );
  const results = [];
  mkdirSync(join(HERE, 'results'), { recursive: true });
  const file = join(HERE, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // Written after each size, so a run stopped part-way keeps what it measured.
  const writeResults = () =>
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          machine,
          sizes: SIZES,
          rounds: ROUNDS,
          workers: WORKERS,
          concurrency: CONCURRENCY,
          results,
        },
        null,
        2,
      ),
    );
  for (const n of SIZES) {
    const workers = new Workers(WORKERS);
    try {
      console.log(`\n[N=${n}] avisa …`);
      const avisa = await benchAvisa(n, workers);
      const { keep, certDir, ...avisaOut } = avisa;
      console.log(`[N=${n}] floor …`);
      const floor = await benchFloor(n, workers, join(certDir, 'server.crt'), join(certDir, 'server.key'));
      rmSync(keep.dir, { recursive: true, force: true });
      tempDirs.delete(keep.dir);
      results.push({
        n,
        avisa: { ...avisaOut, summary: summarize(avisa) },
        floor: { ...floor, summary: summarize(floor) },
      });
      printSize(results[results.length - 1]);
      writeResults();
    } finally {
      workers.kill();
    }
  }
  console.log(`\nJSON: ${file}`);
}

function printSize({ n, avisa, floor }) {
  const f = (x) => (x == null || Number.isNaN(x) ? '-' : x >= 100 ? String(Math.round(x)) : String(round1(x)));
  const ratio = (a, b) => (a == null || b == null || !b ? '-' : `${(a / b).toFixed(2)}x`);
  const rows = [['N=' + n, 'avisa', 'floor', 'ratio']];
  const add = (label, a, b) => rows.push([label, f(a), f(b), ratio(a, b)]);
  add('connected', avisa.connected, floor.connected);
  add('RSS before (MB)', avisa.rssBeforeKb / 1024, floor.rssBeforeKb / 1024);
  add('RSS connected (MB)', avisa.rssConnectedKb / 1024, floor.rssConnectedKb / 1024);
  add('KB per receiver', avisa.kbPerReceiver, floor.kbPerReceiver);
  add('connect all (ms)', avisa.connectAllMs, floor.connectAllMs);
  const s = avisa.summary;
  const t = floor.summary;
  rows.push([`fan-out, median of ${avisa.rounds.length} rounds`, '', '', '']);
  add('  POST answered (ms)', s.postMs, t.postMs);
  add('  first alert arrives (ms)', s.firstMs, t.firstMs);
  add('  median arrival (ms)', s.medianMs, t.medianMs);
  add('  p99 arrival (ms)', s.p99Ms, t.p99Ms);
  add('  last arrival (ms)', s.lastMs, t.lastMs);
  add('  last receipt acked (ms)', s.lastAckAtClientMs, t.lastAckAtClientMs);
  add('  all stored | all acks (ms)', s.storedMs, t.storedMs);
  console.log(table(rows));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
