/* global console, process, URL */
// Two instances of one deployment (PostgreSQL + Redis), receivers spread over both.
//
// 1. A fresh PostgreSQL database and a fresh Redis key prefix (both `bench_<random>`), two Avisa instances
//    (production build, TLS as shipped): A starts first and generates the certificate, B starts in its own folder
//    with a copy of A's certs/, the same AVISA_DATABASE_URL, AVISA_REDIS_URL and AVISA_REDIS_PREFIX.
// 2. N sites provisioned through A's API; site i connects directly to instance i % 2 (bench/receiver-worker.mjs,
//    fan-out mode, each credential carrying its own URL), spread over the same worker processes as the other
//    scenarios. Measured: time to connect all; each instance's RSS before and after, KB per receiver on it; the
//    sockets each instance holds according to Redis (its members set) and the presence hash.
// 3. Fan-out: R global urgent alerts posted through A; per round the first/median/p99/last arrival at the sites on
//    A and on B, and the time until PostgreSQL has every `delivered` receipt of the alert (an in-process `pg`
//    client polls `SELECT count(*) … WHERE message_id = $1`, every 50 ms until half are stored, every 10 ms until
//    90 %, then every 2 ms:
//    about 4 ms of PostgreSQL CPU per poll at 10,000 rows, much cheaper than a `psql` process per poll (~60 ms of
//    start-up each), and no load on the servers under test, unlike GET /api/v1/messages/:id, which builds the N
//    per-site rows in the instance; the poll's queries and time are in the JSON, and its backend counts as
//    PostgreSQL CPU).
// 4. Throughput: the same fan-out-mode sites stay connected (each answers every alert with an acknowledged
//    `delivered` receipt); private alerts (bench/throughput.mjs's load, first for --throughput-warmup seconds not
//    measured, until those are stored) for T seconds with K POSTs in flight, through
//    A and B alternately in pairs (alerts 0,1 through A, 2,3 through B, …; site = alert number mod N, so half of what
//    each instance accepts is for a site on the other one); then until PostgreSQL has every delivery stored as
//    delivered, and one row per alert, for the right site.
// 5. CPU seconds by whom (A, B, the receiver processes, PostgreSQL backends of this database and its background
//    processes, redis-server, the bench), the instances' warnings/errors.
// At exit (normal, error or signal): both instances stopped, the database dropped (WITH (FORCE)), every Redis key
// under the prefix deleted, the temp folders removed. Everything on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Agent, buildConnector } from 'undici';
import {
  TEXT,
  adminLogin,
  cpuSeconds,
  createApiToken,
  dropServerDir,
  fmt,
  machineBusySeconds,
  now,
  pct,
  provision,
  rssKb,
  serverProblems,
  settledRssKb,
  sleep,
  startAvisa,
  stealSeconds,
  stopChild,
  table,
  within,
} from './harness.mjs';
import { privateAlertLoad, storedBy } from './throughput.mjs';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function loopbackUrl(raw, what) {
  const url = new URL(raw);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`${what} must be on this machine (127.0.0.1), got ${url.hostname}`);
  return url;
}

/** Runs one statement on the maintenance database (the one in --cluster-database-url). */
function psql(maintenanceUrl, sql) {
  return execFileSync('psql', [maintenanceUrl, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  }).trim();
}

function redisCli(redisUrl, ...args) {
  const url = new URL(redisUrl);
  const base = ['-h', url.hostname, '-p', url.port || '6379'];
  const db = url.pathname.replace('/', '');
  if (db) base.push('-n', db);
  return execFileSync('redis-cli', [...base, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  }).trim();
}

/** Deletes every key under `prefix:` (SCAN, then DEL in chunks); answers how many were deleted. */
function deleteRedisKeys(redisUrl, prefix) {
  const keys = redisCli(redisUrl, '--scan', '--pattern', `${prefix}:*`).split('\n').filter(Boolean);
  for (let i = 0; i < keys.length; i += 500) redisCli(redisUrl, 'del', ...keys.slice(i, i + 500));
  return keys.length;
}

/** Whether PostgreSQL and Redis answer (for the default run, which skips the scenario without them). */
export function clusterServicesReachable({ databaseUrl, redisUrl }) {
  try {
    loopbackUrl(databaseUrl, 'the database');
    loopbackUrl(redisUrl, 'Redis');
    psql(databaseUrl, 'SELECT 1');
    return redisCli(redisUrl, 'ping') === 'PONG';
  } catch {
    return false;
  }
}

// ---------- CPU of the services ----------

function processesMatching(test) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (test(cmd)) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

const PG_AUX = /^postgres: \S+: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication)/;

/**
 * CPU seconds by whom over a window: both instances, the receiver processes, PostgreSQL (the backends of this
 * database, its autovacuum workers and the shared background processes), redis-server, the bench, and the rest
 * of the machine (other people's work on the same 2 CPUs). Processes are found again at the end, so backends
 * opened during the window count from zero.
 */
function clusterCpuMeter({ a, b, workerPids, dbName, redisPid }) {
  const pgTest = (cmd) => cmd.startsWith('postgres: ') && (cmd.includes(` ${dbName} `) || PG_AUX.test(cmd));
  const pgPids = () => processesMatching(pgTest);
  const snapshot = () => ({
    at: now(),
    machine: machineBusySeconds(),
    steal: stealSeconds(),
    a: cpuSeconds(a),
    b: cpuSeconds(b),
    workers: workerPids.reduce((s, p) => s + cpuSeconds(p), 0),
    pg: new Map(pgPids().map((p) => [p, cpuSeconds(p)])),
    redis: redisPid ? cpuSeconds(redisPid) : NaN,
    bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  });
  const start = snapshot();
  return () => {
    const end = snapshot();
    const r = (x) => Math.round(x * 100) / 100;
    let pgCpu = 0;
    for (const [pid, s] of end.pg) pgCpu += Math.max(0, s - (start.pg.get(pid) ?? 0));
    const out = {
      seconds: r((end.at - start.at) / 1000),
      machine: r(end.machine - start.machine),
      steal: r(end.steal - start.steal),
      instanceA: r(end.a - start.a),
      instanceB: r(end.b - start.b),
      workers: r(end.workers - start.workers),
      postgres: r(pgCpu),
      redis: r(end.redis - start.redis),
      bench: r(end.bench - start.bench),
    };
    out.others = r(
      out.machine - out.steal - out.instanceA - out.instanceB - out.workers - out.postgres - out.redis - out.bench,
    );
    return out;
  };
}

// ---------- the scenario ----------

function arrivals(t0, times) {
  const rel = times.map((t) => t - t0);
  return {
    received: rel.length,
    firstMs: rel[0],
    medianMs: pct(rel, 50),
    p99Ms: pct(rel, 99),
    lastMs: rel[rel.length - 1],
  };
}

const median = (xs) => {
  const s = xs.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? pct(s, 50) : null;
};

function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1] };
}

/** The instance id a server logged at start-up ("multi-instance mode: … instance <id>)"). */
function instanceIdOf(server) {
  const m = /multi-instance mode: .*instance ([^)\s]+)\)/.exec(readFileSync(server.outFile, 'utf8'));
  return m ? m[1] : null;
}

export async function benchCluster(n, workers, opts) {
  const { rounds, seconds, warmupSeconds = 0, concurrency, connect, phaseMs, databaseUrl, redisUrl } = opts;
  if (n % 2) throw new Error(`--cluster-size must be even (half on each instance), got ${n}`);
  const maintenance = loopbackUrl(databaseUrl, 'the database');
  loopbackUrl(redisUrl, 'Redis');
  const name = `bench_${randomBytes(5).toString('hex')}`; // the database and the Redis prefix
  const dbUrl = new URL(maintenance);
  dbUrl.pathname = `/${name}`;

  let cleaned = false;
  const cleanupServices = () => {
    if (cleaned) return null;
    cleaned = true;
    const out = { databaseDropped: false, redisKeysDeleted: null };
    try {
      psql(databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      out.databaseDropped = true;
    } catch (error) {
      console.warn(`  cluster: dropping database ${name} failed: ${error.stderr ?? error.message}`);
    }
    try {
      out.redisKeysDeleted = deleteRedisKeys(redisUrl, name);
    } catch (error) {
      console.warn(`  cluster: deleting Redis keys ${name}:* failed: ${error.stderr ?? error.message}`);
    }
    return out;
  };
  // A run stopped by an error or a signal: the harness kills the children first (its 'exit' hook came first).
  const onExit = () => cleanupServices();
  process.on('exit', onExit);

  psql(databaseUrl, `CREATE DATABASE ${name}`);
  const env = {
    AVISA_DATABASE_URL: dbUrl.toString(),
    AVISA_REDIS_URL: redisUrl,
    AVISA_REDIS_PREFIX: name,
  };
  const servers = [];
  let client = null;
  const pools = [];
  try {
    const a = await startAvisa(null, { env });
    servers.push(a);
    const b = await startAvisa(null, { env, certsFrom: join(a.dir, 'certs') });
    servers.push(b);
    if (b.ca !== a.ca) throw new Error('instance B does not present instance A certificate');
    const startMs = { a: a.readyAt - a.spawnedAt, b: b.readyAt - b.spawnedAt };
    const ids = { a: instanceIdOf(a), b: instanceIdOf(b) };
    console.log(
      `  database ${name}, Redis prefix ${name}; A :${a.port} ready in ${fmt(startMs.a)} ms (migrations), ` +
        `B :${b.port} in ${fmt(startMs.b)} ms`,
    );

    client = new pg.Client({ connectionString: dbUrl.toString() });
    await client.connect();

    const admin = await adminLogin(a);
    const provisionStarted = now();
    const creds = await provision(a, admin, n, phaseMs);
    const provisionMs = now() - provisionStarted;

    // Site i connects to instance i % 2, directly (no balancer): group 0 = A, 1 = B.
    const urls = [`${a.base}/receivers`, `${b.base}/receivers`];
    const spreadCreds = creds.map((c, i) => ({ ...c, url: urls[i % 2], group: i % 2 }));
    const onEach = [Math.ceil(n / 2), Math.floor(n / 2)];
    const redisInfo = () => {
      const mem = /used_memory:(\d+)/.exec(redisCli(redisUrl, 'info', 'memory'));
      return mem ? Number(mem[1]) : NaN;
    };
    const redisMemBefore = redisInfo();
    const rssBefore = { a: await settledRssKb(a.child.pid), b: await settledRssKb(b.child.pid) };
    // Two servers, PostgreSQL and Redis share the CPUs with the receivers: twice the phase limit to connect.
    const conn = await workers.connect(urls[0], a.ca, spreadCreds, { ...connect, phaseMs: 2 * phaseMs });
    console.log(`  ${conn.connected}/${n} connected in ${fmt(conn.connectAllMs)} ms`);
    if (conn.connected !== n) console.warn(`  cluster: only ${conn.connected}/${n} connected`, conn.errors);
    const rssConnected = { a: await settledRssKb(a.child.pid), b: await settledRssKb(b.child.pid) };
    const presence = {
      hash: Number(redisCli(redisUrl, 'hlen', `${name}:presence`)),
      onA: ids.a ? Number(redisCli(redisUrl, 'scard', `${name}:members:${ids.a}`)) : null,
      onB: ids.b ? Number(redisCli(redisUrl, 'scard', `${name}:members:${ids.b}`)) : null,
      redisUsedMemoryBefore: redisMemBefore,
      redisUsedMemoryConnected: redisInfo(),
    };
    const redisPid = Number(/process_id:(\d+)/.exec(redisCli(redisUrl, 'info', 'server'))?.[1]) || null;
    const meterFor = () =>
      clusterCpuMeter({ a: a.child.pid, b: b.child.pid, workerPids: workers.pids(), dbName: name, redisPid });

    // ---- fan-out through A ----
    const storedCount = (id) =>
      client
        .query("SELECT count(*)::int AS c FROM deliveries WHERE message_id = $1 AND state IN ('delivered', 'read')", [
          id,
        ])
        .then((r) => r.rows[0].c);
    const fanout = [];
    const fanoutCpu = meterFor();
    for (let r = 0; r < rounds; r++) {
      const t0 = now();
      const res = await within(
        phaseMs,
        'POST /messages',
        a.api('POST', '/api/v1/messages', {
          token: admin,
          body: { target: { kind: 'all' }, text: `${TEXT} (#${r + 1})`, priority: 'urgent' },
        }),
      );
      const postMs = now() - t0;
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
      const id = res.body.id;
      const done = workers.alertDone(id);
      // One count over the alert's N rows costs PostgreSQL about 4 ms of CPU at 10,000: every 50 ms until half are
      // stored, every 10 ms until 90 %, then as fast as the answers come back (a 2 ms pause), so the poll stays a
      // small share of the 2 CPUs.
      let storedMs = null;
      const poll = { queries: 0, ms: 0 };
      const polled = (async () => {
        for (;;) {
          const asked = now();
          const c = await storedCount(id);
          poll.queries++;
          poll.ms += now() - asked;
          if (c >= conn.connected) {
            storedMs = now() - t0;
            return;
          }
          await sleep(c >= 0.9 * conn.connected ? 2 : c >= 0.5 * conn.connected ? 10 : 50);
        }
      })();
      const [got] = await within(phaseMs, `cluster fan-out round ${r + 1}`, Promise.all([done, polled]));
      const all = arrivals(t0, got.recv);
      fanout.push({
        id,
        online: res.body.online.length,
        queued: res.body.queued?.length ?? null,
        postMs,
        all,
        onA: arrivals(t0, got.recvBy[0] ?? []),
        onB: arrivals(t0, got.recvBy[1] ?? []),
        lastAckAtClientMs: got.acks.length ? got.acks[got.acks.length - 1] - t0 : null,
        ackErrors: got.ackErrors,
        storedMs,
        storedPoll: { queries: poll.queries, ms: Math.round(poll.ms) },
      });
      const f = fanout.at(-1);
      console.log(
        `  round ${r + 1}: online ${f.online}, last on A ${fmt(f.onA.lastMs)} ms, on B ${fmt(f.onB.lastMs)} ms, ` +
          `all stored ${fmt(storedMs)} ms`,
      );
      await sleep(300);
    }
    const fanoutCpuUse = fanoutCpu();
    const rssAfterFanout = { a: rssKb(a.child.pid), b: rssKb(b.child.pid) };

    // ---- throughput through both ----
    const apiToken = await createApiToken(a, admin, 'bench-cluster');
    for (let i = 0; i < 2; i++) {
      pools.push(
        new Agent({
          connect: buildConnector({ ca: a.ca }),
          connections: concurrency,
          pipelining: 1,
          keepAliveTimeout: 60_000,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        }),
      );
    }
    const through = [a, b];
    const perInstance = [
      { accepted: 0, latencies: [], statuses: {} },
      { accepted: 0, latencies: [], statuses: {} },
    ];
    const names = creds.map((c) => c.name);
    const storedOf = async (ids) => {
      const { rows } = await client.query(
        "SELECT count(*)::int AS c FROM deliveries WHERE message_id = ANY($1) AND state IN ('delivered', 'read')",
        [ids],
      );
      return rows[0].c;
    };
    const postTo = (which, body) =>
      through[which].api('POST', '/api/v1/messages', { token: apiToken, body, via: pools[which] });
    if (warmupSeconds) {
      // As the single-instance scenario does (its figures beside these are warm): the same load first, unmeasured.
      const warm = await privateAlertLoad({
        names,
        seconds: warmupSeconds,
        concurrency,
        phaseMs,
        post: (body, seq) => postTo(Math.floor(seq / 2) % 2, body),
      });
      const warmIds = [...warm.accepted.keys()];
      await storedBy(warmIds.length, () => storedOf(warmIds), phaseMs, undefined, 50);
    }
    const tpCpu = meterFor();
    const load = await privateAlertLoad({
      names,
      seconds,
      concurrency,
      phaseMs,
      post: async (body, seq) => {
        const which = Math.floor(seq / 2) % 2;
        const started = now();
        const res = await postTo(which, body);
        const s = perInstance[which];
        s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
        if (res.status === 201) {
          s.accepted++;
          s.latencies.push(now() - started);
        }
        return res;
      },
    });
    const loadEndedAt = now();
    const acceptedIds = [...load.accepted.keys()];
    const { at: storedAt, seen: storedSeen } = await storedBy(
      acceptedIds.length,
      () => storedOf(acceptedIds),
      phaseMs,
      undefined,
      50,
    );
    const tpCpuUse = tpCpu();
    const { rows } = await client.query(
      `SELECT m.id AS id, count(d.id)::int AS n, min(d.receiver_name) AS receiver, min(d.state) AS state,
              max(d.attempts)::int AS attempts, min(d.delivered_at - m.created_at)::float8 AS "toStoredMs"
         FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id
        WHERE m.id = ANY($1) GROUP BY m.id`,
      [acceptedIds],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const check = { acceptedMissingInDb: 0, notExactlyOneRow: 0, wrongSite: 0, notDelivered: 0, resent: 0 };
    const toStored = [];
    for (const [id, site] of load.accepted) {
      const r = byId.get(id);
      if (!r) {
        check.acceptedMissingInDb++;
        continue;
      }
      if (r.n !== 1) check.notExactlyOneRow++;
      if (r.receiver !== site) check.wrongSite++;
      if (r.state !== 'delivered' && r.state !== 'read') check.notDelivered++;
      if (r.attempts > 1) check.resent++;
      if (r.toStoredMs != null) toStored.push(r.toStoredMs);
    }
    const firstToStoredMs = storedAt === null ? null : storedAt - load.t0;
    const throughput = {
      seconds,
      warmupSeconds,
      concurrency,
      requests: load.sent,
      statuses: load.statuses,
      transportFailures: load.failures,
      failureSamples: load.samples,
      accepted: load.accepted.size,
      acceptedInWindow: load.acceptedInWindow,
      acceptedPerSecond: load.acceptedInWindow / seconds,
      acceptedNotOnline: load.notOnline,
      postLatencyMs: spread(load.latencies),
      byInstance: perInstance.map((s, i) => ({
        instance: i ? 'B' : 'A',
        accepted: s.accepted,
        statuses: s.statuses,
        postLatencyMs: spread(s.latencies),
      })),
      loadMs: loadEndedAt - load.t0,
      stored: storedSeen,
      allStored: storedAt !== null,
      firstPostToAllStoredMs: firstToStoredMs,
      storedPerSecond: firstToStoredMs ? load.accepted.size / (firstToStoredMs / 1000) : null,
      storedAfterLoadMs: storedAt === null ? null : storedAt - loadEndedAt,
      createdToDeliveredAtMs: spread(toStored),
      check,
      cpu: tpCpuUse,
    };
    const rssAfterLoad = { a: rssKb(a.child.pid), b: rssKb(b.child.pid) };

    await workers.close(phaseMs);
    const kb = (after, before, count) => (after - before) / count;
    const summary = {};
    for (const key of ['postMs', 'storedMs', 'lastAckAtClientMs']) summary[key] = median(fanout.map((f) => f[key]));
    for (const group of ['all', 'onA', 'onB']) {
      summary[group] = {};
      for (const k of ['firstMs', 'medianMs', 'p99Ms', 'lastMs'])
        summary[group][k] = median(fanout.map((f) => f[group][k]));
    }
    return {
      n,
      database: name,
      redisPrefix: name,
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      startMs,
      instanceIds: ids,
      provisionMs,
      connected: conn.connected,
      failed: conn.failed,
      connectErrors: conn.errors,
      connectAllMs: conn.connectAllMs,
      presence,
      instances: {
        A: {
          receivers: onEach[0],
          rssBeforeKb: rssBefore.a,
          rssConnectedKb: rssConnected.a,
          kbPerReceiver: kb(rssConnected.a, rssBefore.a, onEach[0]),
          rssAfterFanoutKb: rssAfterFanout.a,
          rssAfterThroughputKb: rssAfterLoad.a,
        },
        B: {
          receivers: onEach[1],
          rssBeforeKb: rssBefore.b,
          rssConnectedKb: rssConnected.b,
          kbPerReceiver: kb(rssConnected.b, rssBefore.b, onEach[1]),
          rssAfterFanoutKb: rssAfterFanout.b,
          rssAfterThroughputKb: rssAfterLoad.b,
        },
      },
      rounds: fanout,
      fanoutSummary: summary,
      fanoutCpu: fanoutCpuUse,
      throughput,
      serverProblems: { A: serverProblems(a), B: serverProblems(b) },
    };
  } finally {
    for (const pool of pools) await pool.close().catch(() => undefined);
    await client?.end().catch(() => undefined);
    for (const server of servers.reverse()) {
      await stopChild(server.child);
      await server.dispatcher.close();
      dropServerDir(server);
    }
    const cleanup = cleanupServices();
    process.off('exit', onExit);
    if (cleanup) console.log(`  cleaned up: database ${name} dropped, ${cleanup.redisKeysDeleted} Redis keys deleted`);
  }
}

export function printCluster(r, { single = null, throughput = null } = {}) {
  const f = (x) => (x == null || Number.isNaN(x) ? '-' : fmt(x));
  const A = r.instances.A;
  const B = r.instances.B;
  const s = r.fanoutSummary;
  const rows = [[`two instances (PostgreSQL + Redis), N=${r.n}`, 'on A', 'on B', 'both', 'single (SQLite)']];
  const add = (label, a, b, both = '', one = '') =>
    rows.push([label, typeof a === 'string' ? a : f(a), typeof b === 'string' ? b : f(b), both, one]);
  add('receivers connected', r.presence.onA, r.presence.onB, f(r.connected), single ? f(single.connected) : '');
  add('connect all (ms)', '', '', f(r.connectAllMs), single ? f(single.connectAllMs) : '');
  add(
    'RSS before / connected (MB)',
    `${f(A.rssBeforeKb / 1024)} / ${f(A.rssConnectedKb / 1024)}`,
    `${f(B.rssBeforeKb / 1024)} / ${f(B.rssConnectedKb / 1024)}`,
    '',
    single ? `${f(single.rssBeforeKb / 1024)} / ${f(single.rssConnectedKb / 1024)}` : '',
  );
  add('KB per receiver', A.kbPerReceiver, B.kbPerReceiver, '', single ? f(single.kbPerReceiver) : '');
  const ss = single?.summary;
  rows.push([`fan-out through A, median of ${r.rounds.length} rounds (ms)`, '', '', '', '']);
  add('  POST answered', '', '', f(s.postMs), ss ? f(ss.postMs) : '');
  add('  first arrival', s.onA.firstMs, s.onB.firstMs, f(s.all.firstMs), ss ? f(ss.firstMs) : '');
  add('  median arrival', s.onA.medianMs, s.onB.medianMs, f(s.all.medianMs), ss ? f(ss.medianMs) : '');
  add('  p99 arrival', s.onA.p99Ms, s.onB.p99Ms, f(s.all.p99Ms), ss ? f(ss.p99Ms) : '');
  add('  last arrival', s.onA.lastMs, s.onB.lastMs, f(s.all.lastMs), ss ? f(ss.lastMs) : '');
  add('  last receipt acked at a receiver', '', '', f(s.lastAckAtClientMs), ss ? f(ss.lastAckAtClientMs) : '');
  add('  all delivered stored in the database', '', '', f(s.storedMs), ss ? f(ss.storedMs) : '');
  add(
    '  (stored poll: queries / ms in them, per round)',
    '',
    '',
    `${f(median(r.rounds.map((x) => x.storedPoll.queries)))} / ${f(median(r.rounds.map((x) => x.storedPoll.ms)))}`,
    '',
  );
  const t = r.throughput;
  const one = throughput ? ` (N=${throughput.n})` : '';
  const warm = t.warmupSeconds ? ` after ${t.warmupSeconds} s unmeasured` : '';
  rows.push([
    `private alerts, ${t.seconds} s${warm}, ${t.concurrency} POSTs in flight, A/B alternately`,
    '',
    '',
    '',
    '',
  ]);
  add(
    '  accepted (201)',
    t.byInstance[0].accepted,
    t.byInstance[1].accepted,
    f(t.accepted),
    throughput ? `${f(throughput.accepted)} in ${throughput.seconds} s${one}` : '',
  );
  add(
    '  accepted alerts/s (window)',
    '',
    '',
    f(t.acceptedPerSecond),
    throughput ? f(throughput.acceptedPerSecond) : '',
  );
  add(
    '  alerts/s with everything stored',
    '',
    '',
    f(t.storedPerSecond),
    throughput ? f(throughput.storedPerSecond) : '',
  );
  add(
    '  POST latency p50 / p99 (ms)',
    `${f(t.byInstance[0].postLatencyMs.p50)} / ${f(t.byInstance[0].postLatencyMs.p99)}`,
    `${f(t.byInstance[1].postLatencyMs.p50)} / ${f(t.byInstance[1].postLatencyMs.p99)}`,
    `${f(t.postLatencyMs.p50)} / ${f(t.postLatencyMs.p99)}`,
    throughput ? `${f(throughput.postLatencyMs.p50)} / ${f(throughput.postLatencyMs.p99)}` : '',
  );
  add(
    '  stored after the last POST (ms)',
    '',
    '',
    f(t.storedAfterLoadMs),
    throughput ? f(throughput.storedAfterLoadMs) : '',
  );
  const c = t.check;
  add(
    '  rows missing / ≠1 / wrong site / undelivered',
    '',
    '',
    `${c.acceptedMissingInDb} / ${c.notExactlyOneRow} / ${c.wrongSite} / ${c.notDelivered}`,
    '',
  );
  const u = t.cpu;
  add('  CPU s: instance', u.instanceA, u.instanceB, '', '');
  add(
    '  CPU s: receivers/postgres/redis/bench/others/steal',
    '',
    '',
    `${u.workers} / ${u.postgres} / ${u.redis} / ${u.bench} / ${u.others} / ${u.steal} (of ${f(2 * u.seconds)})`,
    '',
  );
  const fc = r.fanoutCpu;
  rows.push(['CPU s during the fan-out rounds', '', '', '', '']);
  add('  instance', fc.instanceA, fc.instanceB, '', '');
  add(
    '  receivers/postgres/redis/bench/others/steal',
    '',
    '',
    `${fc.workers} / ${fc.postgres} / ${fc.redis} / ${fc.bench} / ${fc.others} / ${fc.steal} (of ${f(2 * fc.seconds)})`,
    '',
  );
  add('warnings/errors in the log', r.serverProblems.A.count, r.serverProblems.B.count, '', '');
  // Drop the comparison column when there is nothing to compare with.
  const out = single || throughput ? rows : rows.map((row) => row.slice(0, 4));
  console.log(table(out));
}
