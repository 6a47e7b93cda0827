/* global process, performance, setTimeout, clearTimeout, Buffer */
/* eslint-disable no-restricted-properties -- the bench is not the server: it reads its options from the environment */
// What every scenario of the bench shares: options, child bookkeeping (all killed on exit), time limits,
// the simulated receiver processes, and starting (or restarting) the real Avisa server.
import { fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, buildConnector, request } from 'undici';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
export const ADMIN_PASSWORD = 'Avisa-bench-admin-Pw!';
/**
 * What the systemd unit in docs/deploy.md sets for the server process, given to Avisa and to the floor alike:
 * glibc serves allocations of 64 KB and more from fresh pages (see docs/performance.md, change 11).
 */
export const SERVER_PROCESS_ENV = process.env.BENCH_NO_MALLOC_SETTING ? {} : { MALLOC_MMAP_THRESHOLD_: '65536' };
export const TEXT = 'Retirada urgente del lote 4711 de ibuprofeno 600 mg. Revisen el stock y apártenlo hoy.';

export function arg(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && process.argv[i + 1]) return process.argv[i + 1];
  return process.env[envName] || fallback;
}
export const hasArg = (name) => process.argv.includes(`--${name}`);

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const children = new Set();
export const tempDirs = new Set();

function cleanup() {
  for (const child of children) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

export function within(ms, what, promise) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${what}: no result within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // the process is gone
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds the whole machine has been busy (all CPUs, every state but idle and iowait), from /proc/stat. */
export function machineBusySeconds() {
  const [user, nice, system, , , irq, softirq, steal] = procStat();
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds the hypervisor gave to other guests while this VM wanted them (`steal` in /proc/stat). */
export function stealSeconds() {
  return procStat()[7] / 100;
}

function procStat() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  return f.map(Number);
}

/**
 * Who used the CPUs during a measured window: the server, the receiver processes, the bench itself, and
 * everything else on the machine (other people's builds and tests share these 2 CPUs).
 */
export function cpuMeter(serverPid, workerPids) {
  const read = () => ({
    at: now(),
    machine: machineBusySeconds(),
    server: cpuSeconds(serverPid),
    workers: workerPids.reduce((a, p) => a + cpuSeconds(p), 0),
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    steal: stealSeconds(),
  });
  const start = read();
  return () => {
    const end = read();
    const d = (k) => Math.round((end[k] - start[k]) * 100) / 100;
    const out = { seconds: d('at') / 1000, machine: d('machine'), server: d('server'), workers: d('workers') };
    out.bench = d('bench');
    out.steal = d('steal'); // included in machine
    out.others = Math.round((out.machine - out.steal - out.server - out.workers - out.bench) * 100) / 100;
    return out;
  };
}

/** RSS after letting the process settle: the lowest of a few samples a little apart. */
export async function settledRssKb(pid) {
  let low = Infinity;
  for (let i = 0; i < 5; i++) {
    await sleep(200);
    low = Math.min(low, rssKb(pid));
  }
  return low;
}

export const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
export const median = (xs) =>
  pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
export const round1 = (x) => Math.round(x * 10) / 10;
export const fmt = (x) =>
  x == null || Number.isNaN(x) ? '-' : Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en') : String(round1(x));

export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '))
    .join('\n');
}

const addCounts = (into, from) => {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
};

// ---------- simulated receivers ----------

export class Workers {
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

  /**
   * Connects every credential, spread over the workers; resolves with the time to connect them all.
   * `mode`: 'fanout' (per-alert timings, no de-duplication) or 'site' (de-duplicating site receivers).
   */
  async connect(url, ca, creds, { concurrency, phaseMs, mode = 'fanout' }) {
    const shares = this.procs.map(() => []);
    creds.forEach((c, i) => shares[i % shares.length].push(c));
    const reports = this.waitAll('connected');
    const started = now();
    this.procs.forEach((p, i) => p.send({ type: 'connect', url, ca, creds: shares[i], concurrency, mode }));
    const results = await within(phaseMs, 'connecting receivers', reports);
    const errors = {};
    for (const r of results) addCounts(errors, r.errors);
    return {
      connected: results.reduce((a, r) => a + r.connected, 0),
      failed: results.reduce((a, r) => a + r.failed, 0),
      errors,
      connectAllMs: Math.max(...results.map((r) => r.done)) - started,
    };
  }

  /**
   * Waits for every worker to have received the alert and got every receipt acknowledged. `recvBy`: the arrival
   * times per `group` of the credentials (only for credentials that carry one, e.g. the instance they connect to).
   */
  async alertDone(id) {
    const results = await this.waitAll('alert-done', (m) => m.id === id);
    const recvBy = {};
    for (const r of results) {
      for (const [group, times] of Object.entries(r.recvBy ?? {})) (recvBy[group] ??= []).push(...times);
    }
    for (const times of Object.values(recvBy)) times.sort((a, b) => a - b);
    return {
      recv: results.flatMap((r) => r.recv).sort((a, b) => a - b),
      acks: results.flatMap((r) => r.acks).sort((a, b) => a - b),
      ackErrors: results.reduce((a, r) => a + r.ackErrors, 0),
      recvBy,
    };
  }

  /** Counters of the site receivers, summed over the workers (maxima for the times). */
  async siteStats(phaseMs = 30_000) {
    const reply = this.waitAll('site-stats');
    for (const p of this.procs) p.send({ type: 'site-stats' });
    const results = await within(phaseMs, 'receiver statistics', reply);
    const out = {};
    for (const r of results) {
      for (const [k, v] of Object.entries(r)) {
        if (k === 'type') continue;
        if (typeof v === 'number') {
          out[k] = /^last/.test(k) ? Math.max(out[k] ?? 0, v) : (out[k] ?? 0) + v;
        } else if (v && typeof v === 'object') out[k] = addCounts(out[k] ?? {}, v);
        else if (v === null && !(k in out)) out[k] = null;
      }
    }
    return out;
  }

  /** The sites go offline: every worker closes all its sockets (client side). */
  async offline(phaseMs) {
    const done = this.waitAll('offline-done');
    for (const p of this.procs) p.send({ type: 'offline' });
    return within(phaseMs, 'disconnecting receivers', done);
  }

  /** Every worker starts reconnecting all its sites in the same tick. */
  storm(options) {
    const started = this.waitAll('storm-started');
    for (const p of this.procs) p.send({ type: 'storm', ...options });
    return started;
  }

  async close(phaseMs) {
    const done = this.waitAll('closed');
    for (const p of this.procs) p.send({ type: 'close' });
    await within(phaseMs, 'closing receivers', done);
  }

  pids() {
    return this.procs.map((p) => p.pid);
  }

  kill() {
    for (const p of this.procs) {
      p.kill('SIGKILL');
      children.delete(p);
    }
  }
}

/**
 * The floor (bench/floor-server.mjs) with Avisa's certificate from `certDir`, on `port`, once it listens; with `dbFile`,
 * its private-alert mode on that SQLite file. `env`: more for its environment.
 */
export async function startFloor(certDir, port, dbFile = null, env = {}) {
  const child = fork(
    join(HERE, 'floor-server.mjs'),
    [join(certDir, 'server.crt'), join(certDir, 'server.key'), String(port), ...(dbFile ? [dbFile] : [])],
    {
      env: { ...process.env, ...SERVER_PROCESS_ENV, ...env },
      // e.g. BENCH_FLOOR_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/floor-prof" to compare profiles.
      execArgv: (process.env.BENCH_FLOOR_NODE_OPTIONS ?? '').split(' ').filter(Boolean),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  await within(30_000, 'floor start', new Promise((r) => child.on('message', (m) => m.type === 'listening' && r())));
  return { child, readyAt: now() };
}

/**
 * The throughput floor on a fresh SQLite file (its private-alert mode), with Avisa's certificate from `certDir`:
 * `token` is the bearer token it accepts; `stop()` ends it and drops its file.
 */
export async function startPrivateAlertFloor(certDir) {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-bench-floor-'));
  const dbFile = join(dir, 'floor.sqlite');
  const token = randomBytes(24).toString('base64url');
  const port = await freePort();
  const { child } = await startFloor(certDir, port, dbFile, {
    FLOOR_TOKEN_SHA256: createHash('sha256').update(token).digest('hex'),
  });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  return { child, token, dbFile, base: `https://127.0.0.1:${port}`, stop };
}

// ---------- the real server ----------

/** Bytes of `file` from `offset` on. */
function readFrom(file, offset) {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts the production build in a fresh temp dir on a free port, or (restart) in `previous.dir` on
 * `previous.port` with the same data, certificates and log file. Resolves once the server logged that it
 * is listening; `readyAt` is when the bench saw that line (polled every 5 ms).
 * `env`: further AVISA_* variables (PostgreSQL, Redis); `certsFrom`: a certs/ folder copied into a fresh dir
 * first, so this server presents the same certificate as another (an instance of the same deployment).
 */
export async function startAvisa(previous = null, { env = {}, certsFrom = null, countCommits = false } = {}) {
  const dir = previous?.dir ?? mkdtempSync(join(tmpdir(), 'avisa-bench-'));
  tempDirs.add(dir);
  if (certsFrom && !previous) cpSync(certsFrom, join(dir, 'certs'), { recursive: true });
  const port = previous?.port ?? (await freePort());
  const outFile = join(dir, 'server.out');
  const log = openSync(outFile, 'a');
  const offset = statSync(outFile).size;
  // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/avisa-prof" to profile the server under load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  // The SQL trace counts the commits among every statement; without it, `countCommits` counts only them.
  const traced = sqlTracing();
  if (countCommits && !traced) nodeArgs.unshift('-r', join(HERE, 'commit-count.cjs'));
  const spawnedAt = now();
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
      // The throughput scenario sends far more than a person would; the per-principal limit is not what it measures.
      AVISA_SEND_LIMIT_PER_MINUTE: '1000000',
      // AVISA_* settings in the bench's own environment (e.g. to compare two values of one setting).
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AVISA_'))),
      ...SERVER_PROCESS_ENV,
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  children.add(child);
  const deadline = Date.now() + 60_000;
  while (!readFrom(outFile, offset).includes('Avisa listening on')) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}):\n${readFrom(outFile, offset)}`);
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${readFrom(outFile, offset)}`);
    await sleep(5);
  }
  const readyAt = now();
  const ca = readFileSync(join(dir, 'certs', 'server.crt'), 'utf8');
  const dispatcher = new Agent({ connect: buildConnector({ ca }), connections: 8 });
  const base = `https://127.0.0.1:${port}`;
  async function api(method, path, { token, body, raw, contentType, via } = {}) {
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
    const res = await request(base + path, { method, headers, body: payload, dispatcher: via ?? dispatcher });
    const text = await res.body.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* text */
    }
    return { status: res.statusCode, body: parsed };
  }
  return {
    dir,
    port,
    child,
    marksStatements: traced || countCommits,
    ca,
    base,
    api,
    dispatcher,
    spawnedAt,
    readyAt,
    logOffset: offset,
    outFile,
    dbFile: join(dir, 'data', 'avisa.sqlite'),
  };
}

const sqlTracing = () => (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').includes('sql-trace');

/**
 * With bench/sql-trace.cjs preloaded into the server (BENCH_SERVER_NODE_OPTIONS="-r …/sql-trace.cjs"), or
 * bench/commit-count.cjs (`startAvisa`'s `countCommits`; then only COMMIT is counted, `commitsOnly`): the
 * server writes the statements counted so far to a snapshot file and starts counting again. Answers a promise of
 * that snapshot's summary (null when not tracing). SIGWINCH, not SIGUSR2: Nest shuts down on SIGUSR2.
 */
export function sqlTraceMark(server) {
  if (!server.marksStatements) return Promise.resolve(null);
  server.sqlMarks = (server.sqlMarks ?? 0) + 1;
  const file = join(tmpdir(), `avisa-sql-trace-${server.child.pid}-${server.sqlMarks}.json`);
  server.child.kill('SIGWINCH');
  return (async () => {
    for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(50);
    if (!existsSync(file)) return null;
    await sleep(50);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    const ms = (r) => r.ms + r.prepareMs;
    const commits = trace.rows.filter((r) => /^COMMIT/.test(r.sql));
    return {
      file,
      commitsOnly: trace.commitsOnly === true,
      seconds: trace.seconds,
      statements: trace.rows.reduce((a, r) => a + r.calls, 0),
      prepares: trace.rows.reduce((a, r) => a + r.prepares, 0),
      totalMs: trace.rows.reduce((a, r) => a + ms(r), 0),
      commits: commits.reduce((a, r) => a + r.calls, 0),
      commitMs: commits.reduce((a, r) => a + r.ms, 0),
      top: trace.rows.slice(0, 12).map((r) => ({
        sql: r.sql.slice(0, 140),
        calls: r.calls,
        ms: Math.round(ms(r)),
        msPerCall: Math.round((ms(r) / Math.max(1, r.calls)) * 1000) / 1000,
        rows: r.rows,
        temp: r.temp,
      })),
    };
  })();
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  // A server that just lost thousands of connections may take a while; a CPU profile is written at the end.
  const profiling = `${process.env.BENCH_SERVER_NODE_OPTIONS} ${process.env.BENCH_FLOOR_NODE_OPTIONS}`.includes('prof');
  await Promise.race([exited, sleep(profiling ? 120_000 : 30_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.delete(child);
}

/** SIGKILL, as a crash or a power cut would: no shutdown hook runs. Resolves when the process is gone. */
export async function killHard(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await within(10_000, 'killing the server', exited);
  children.delete(child);
}

/** Removes a server's temp dir once its scenario is over. */
export function dropServerDir(server) {
  rmSync(server.dir, { recursive: true, force: true });
  tempDirs.delete(server.dir);
}

/** Warning and error lines the server printed since `offset` (its own start-up notices left out). */
export function serverProblems(server, offset = 0, max = 10) {
  const lines = readFrom(server.outFile, offset)
    .split('\n')
    .filter((l) => /warn|error/i.test(l) && !/self-signed|Generated|web app not found/.test(l));
  const kinds = {};
  for (const l of lines) {
    // The line without its timestamp, pid, ids and numbers: groups the same problem.
    const key = l
      .replace(/^.*?(WARN|ERROR|warn|error)/, '$1')
      .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
      .replace(/bench-\d+/g, 'bench-N')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID')
      .replace(/\d+/g, 'N')
      .slice(0, 160);
    kinds[key] = (kinds[key] ?? 0) + 1;
  }
  return { count: lines.length, kinds, sample: lines.slice(0, max) };
}

export async function adminLogin(server) {
  const login = await server.api('POST', '/api/v1/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.token;
}

/**
 * Keeps `concurrency` HTTPS requests in flight on keep-alive connections to `base` for `ms`, each made by `make(i)`
 * ({ method, path, headers, body }); answers how many were made and their statuses.
 */
export async function keepAliveLoad({ base, ca, concurrency, ms, make }) {
  const pool = new Agent({ connect: buildConnector({ ca }), connections: concurrency, pipelining: 1 });
  const statuses = {};
  let done = 0;
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const { method, path, headers, body } = make(done);
        const res = await request(base + path, { method, headers, body, dispatcher: pool });
        await res.body.dump();
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        done += 1;
      }
    }),
  );
  await pool.close();
  return { done, statuses };
}

/** An API token that may send alerts and read, as a script would use; answers the token itself. */
export async function createApiToken(server, admin, name) {
  const created = await server.api('POST', '/api/v1/api-tokens', {
    token: admin,
    body: { name, scopes: ['messages:send', 'read'] },
  });
  if (created.status !== 201 || !created.body?.token) {
    throw new Error(`creating the API token failed: ${created.status} ${JSON.stringify(created.body)}`);
  }
  return created.body.token;
}

/** Provisions N sites through the real API, in chunks that stay under the default 100 kb body limit. */
export async function provision(server, token, n, phaseMs) {
  const creds = [];
  for (let from = 0; from < n; from += 1000) {
    const names = Array.from(
      { length: Math.min(1000, n - from) },
      (_, i) => `bench-${String(from + i).padStart(5, '0')}`,
    );
    const res = await within(
      phaseMs,
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
  if (creds.length !== n) throw new Error(`provisioned ${creds.length} of ${n}`);
  return creds;
}
