/* global console */
// Throughput: private alerts per second through the API, sustained for a fixed time, with every delivery
// row and every receipt stored.
//
// N site receivers (bench/receiver-worker.mjs, `site` mode: they de-duplicate by id and answer `delivered`
// with an acknowledged receipt, like apps/receiver) are connected to a fresh server. An API token with the
// `messages:send` scope (what a script would use) keeps K `POST /api/v1/messages` in flight for T seconds
// over an undici keep-alive pool of K connections, each a private alert (`target: {kind:'receiver'}`) to the
// next site round-robin. Then the bench waits (bounded) until the SQLite file, opened read-only, has every
// delivery of the accepted alerts in `delivered`/`read`, and checks every accepted alert has exactly one
// delivery row, for the site it was sent to.
import { randomUUID } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, buildConnector, request } from 'undici';
import {
  TEXT,
  adminLogin,
  cpuMeter,
  cpuSeconds,
  createApiToken,
  dropServerDir,
  fmt,
  now,
  pct,
  provision,
  rssKb,
  serverProblems,
  sleep,
  sqlTraceMark,
  startAvisa,
  startPrivateAlertFloor,
  stopChild,
  table,
  within,
} from './harness.mjs';

const sum = (xs) => xs.reduce((a, x) => a + x, 0);

/** Percentiles of unsorted numbers. */
function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1] };
}

/**
 * K lanes keep one `POST /api/v1/messages` each in flight for `seconds`, each a private alert
 * (`target: {kind:'receiver'}`) to the next site of `names` round-robin. `post(body, seq)` sends one and answers
 * `{status, body}` (the caller picks the connection pool, or the instance). Shared by the throughput and cluster
 * scenarios.
 */
export async function privateAlertLoad({ names, seconds, concurrency, phaseMs, post }) {
  const accepted = new Map(); // id -> site name
  const latencies = []; // ms, 201 answers only
  const statuses = {}; // HTTP status -> count
  const failures = {}; // transport error -> count
  const samples = []; // a few non-201 bodies
  let notOnline = 0; // 201 answers that did not list the site as online
  let sent = 0;
  let acceptedInWindow = 0;
  let lastAnswerAt = 0;
  const t0 = now();
  const windowEnd = t0 + seconds * 1000;
  async function lane() {
    while (now() < windowEnd) {
      const seq = sent++;
      const name = names[seq % names.length];
      const started = now();
      try {
        const res = await post({ target: { kind: 'receiver', name }, text: `${TEXT} (#${seq + 1})` }, seq);
        const t = now();
        lastAnswerAt = Math.max(lastAnswerAt, t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) {
          latencies.push(t - started);
          accepted.set(res.body.id, name);
          if (!res.body.online?.includes(name)) notOnline++;
          if (t <= windowEnd) acceptedInWindow++;
        } else if (samples.length < 5) samples.push({ status: res.status, body: res.body });
      } catch (error) {
        const key = error?.code ?? error?.message ?? String(error);
        failures[key] = (failures[key] ?? 0) + 1;
      }
    }
  }
  await within(seconds * 1000 + phaseMs, 'throughput load', Promise.all(Array.from({ length: concurrency }, lane)));
  return { t0, accepted, latencies, statuses, failures, samples, notOnline, sent, acceptedInWindow, lastAnswerAt };
}

/**
 * The same load for `warmupSeconds` before the measured one, then a wait (bounded) until every alert of it is stored.
 * A fresh server runs its request path in V8's interpreter and compiles it while the load goes on: per 5 s of load,
 * 2.6, 1.5, 1.0, 0.73 and 0.66 ms of server CPU per private alert (100 sites, 2026-12-06). A server that runs for
 * months pays that once, so the figure to hold against the target is the steady one; the floor warms up the same.
 * Answers the warm-up's alerts (id → site) and how many stored rows they make (one each).
 */
async function warmUp({ warmupSeconds, names, concurrency, phaseMs, post, storedCount, alive }) {
  if (!warmupSeconds) return { accepted: new Map(), stored: 0, seconds: 0 };
  const load = await privateAlertLoad({ names, seconds: warmupSeconds, concurrency, phaseMs, post });
  const stored = await storedBy(load.accepted.size, storedCount, phaseMs, alive);
  // Short of that, the measured phase still waits for the warm-up's rows too: none is counted as the load's.
  if (stored.at === null) console.warn(`  throughput: warm-up: ${stored.seen}/${load.accepted.size} stored in time`);
  return { accepted: load.accepted, stored: load.accepted.size, seconds: warmupSeconds };
}

/** How busy the server is with the sites connected and nothing sent (heartbeats, timers): share of one core. */
export async function idleCpuShare(pid, seconds = IDLE_SECONDS) {
  const before = cpuSeconds(pid);
  await sleep(seconds * 1000);
  return (cpuSeconds(pid) - before) / seconds;
}
const IDLE_SECONDS = 10;

/** Waits (bounded) until `count()` (a number, or a promise of one) reaches `expected`; the time it did, or null. */
export async function storedBy(expected, count, phaseMs, alive = () => true, pollMs = 20) {
  const deadline = now() + phaseMs;
  let seen = 0;
  while (now() < deadline && alive()) {
    seen = await count();
    if (seen >= expected) return { at: now(), seen };
    await sleep(pollMs);
  }
  return { at: null, seen };
}

/**
 * The same load against the floor (bench/floor-server.mjs with an SQLite file): K private alerts in flight for T
 * seconds to the same N site receivers (fresh worker processes), each stored and committed before its 201 and its
 * receipt committed before its acknowledgement. `certDir`: Avisa's certificate of the run, so TLS is the same.
 */
export async function benchThroughputFloor(
  n,
  workers,
  { seconds, warmupSeconds, concurrency, connect, phaseMs },
  certDir,
) {
  const { child, token, dbFile, base, stop } = await startPrivateAlertFloor(certDir);
  try {
    const ca = readFileSync(join(certDir, 'server.crt'), 'utf8');
    const creds = Array.from({ length: n }, (_, i) => ({ name: `site-${i + 1}`, key: `avr_${randomUUID()}` }));
    const conn = await workers.connect(`${base}/receivers`, ca, creds, { ...connect, mode: 'site' });
    const pool = new Agent({
      connect: buildConnector({ ca }),
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const names = creds.map((c) => c.name);
    const post = async (body) => {
      const res = await request(`${base}/api/v1/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        dispatcher: pool,
      });
      return { status: res.statusCode, body: await res.body.json() };
    };
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const delivered = db.prepare("SELECT count(*) AS c FROM deliveries WHERE state = 'delivered'");
    const storedCount = () => delivered.get().c;
    const alive = () => child.exitCode === null;
    const commitsSoFar = () =>
      within(
        10_000,
        'floor commits',
        new Promise((r) => {
          const answer = (m) => {
            if (m.type !== 'commits') return;
            child.off('message', answer);
            r(m.commits);
          };
          child.on('message', answer);
          child.send({ type: 'commits' });
        }),
      );
    const idleShare = await idleCpuShare(child.pid);
    const warm = await warmUp({ warmupSeconds, names, concurrency, phaseMs, post, storedCount, alive });
    const commitsBefore = await commitsSoFar();
    const cpuBefore = cpuSeconds(child.pid);
    const meter = cpuMeter(child.pid, workers.pids());
    const load = await privateAlertLoad({ names, seconds, concurrency, phaseMs, post });
    const stored = await storedBy(warm.stored + load.accepted.size, storedCount, phaseMs, alive);
    const cpuUse = meter();
    const serverCpuS = cpuSeconds(child.pid) - cpuBefore;
    db.close();
    const commits = (await commitsSoFar()) - commitsBefore;
    const sites = await workers.siteStats();
    await pool.close();
    await workers.close(phaseMs);
    const firstToStoredMs = stored.at === null ? null : stored.at - load.t0;
    return {
      n,
      connected: conn.connected,
      accepted: load.accepted.size,
      warmupAccepted: warm.accepted.size,
      statuses: load.statuses,
      transportFailures: load.failures,
      acceptedPerSecond: load.acceptedInWindow / seconds,
      postLatencyMs: spread(load.latencies),
      stored: stored.seen,
      allStored: stored.at !== null,
      storedPerSecond: firstToStoredMs ? load.accepted.size / (firstToStoredMs / 1000) : null,
      shown: sites.shown,
      duplicateShown: sites.duplicateShown,
      cpuUntilStored: cpuUse,
      serverCpuMsPerAlert: (serverCpuS * 1000) / Math.max(1, load.accepted.size),
      idleShare,
      serverCpuMsPerAlertAboveIdle:
        ((serverCpuS - idleShare * cpuUse.seconds) * 1000) / Math.max(1, load.accepted.size),
      commitsPerAlert: commits / Math.max(1, load.accepted.size),
    };
  } finally {
    await stop();
  }
}

export async function benchThroughput(
  n,
  workers,
  { seconds, warmupSeconds, concurrency, connect, phaseMs },
  { keepCertsIn } = {},
) {
  const server = await startAvisa(null, { countCommits: true });
  try {
    const admin = await adminLogin(server);
    const creds = await provision(server, admin, n, phaseMs);
    const conn = await workers.connect(`${server.base}/receivers`, server.ca, creds, { ...connect, mode: 'site' });
    if (conn.connected !== n) console.warn(`  throughput: only ${conn.connected}/${n} connected`, conn.errors);

    const apiToken = await createApiToken(server, admin, 'bench-throughput');

    // K keep-alive connections, one request at a time on each (no pipelining): K requests in flight.
    const pool = new Agent({
      connect: buildConnector({ ca: server.ca }),
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const names = creds.map((c) => c.name);
    const post = (body) => server.api('POST', '/api/v1/messages', { token: apiToken, body, via: pool });
    // Every delivery of the accepted alerts stored as delivered (or read).
    const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    const storedCount = db.prepare("SELECT count(*) AS c FROM deliveries WHERE state IN ('delivered', 'read')");
    const alive = () => server.child.exitCode === null && server.child.signalCode === null;
    const idleShare = await idleCpuShare(server.child.pid);
    if (warmupSeconds) console.log(`[N=${n}] throughput: ${conn.connected} connected, ${warmupSeconds} s of warm-up …`);
    const warm = await warmUp({
      warmupSeconds,
      names,
      concurrency,
      phaseMs,
      post,
      storedCount: () => storedCount.get().c,
      alive,
    });
    const cpuBefore = {
      server: cpuSeconds(server.child.pid),
      workers: sum(workers.pids().map(cpuSeconds)),
    };
    const meter = cpuMeter(server.child.pid, workers.pids());
    await sqlTraceMark(server); // statements of start-up, connecting and the warm-up end here
    console.log(`[N=${n}] throughput: ${conn.connected} connected, the POSTs start …`);
    const load = await privateAlertLoad({ names, seconds, concurrency, phaseMs, post });
    const { t0, accepted, latencies, statuses, failures, samples, notOnline, sent, acceptedInWindow, lastAnswerAt } =
      load;
    const loadEndedAt = now();
    const cpuLoad = {
      server: cpuSeconds(server.child.pid) - cpuBefore.server,
      workers: sum(workers.pids().map(cpuSeconds)) - cpuBefore.workers,
    };
    const rssAfterLoadKb = rssKb(server.child.pid);

    let storedAt = null;
    let storedSeen = 0;
    let sqlTrace = Promise.resolve(null);
    const storeDeadline = now() + phaseMs;
    while (now() < storeDeadline) {
      if (!alive()) {
        console.warn(`  throughput: the server exited (${server.child.exitCode ?? server.child.signalCode})`);
        break;
      }
      storedSeen = storedCount.get().c;
      if (storedSeen >= warm.stored + accepted.size) {
        storedAt = now();
        sqlTrace = sqlTraceMark(server); // statements of the load, up to everything stored
        break;
      }
      await sleep(20);
    }
    const cpuUse = meter();
    const cpuToStored = {
      server: cpuSeconds(server.child.pid) - cpuBefore.server,
      workers: sum(workers.pids().map(cpuSeconds)) - cpuBefore.workers,
    };

    // Receipts acknowledged at the receivers (the ack follows the store): wait a little for the last ones.
    let sites = await workers.siteStats();
    const ackDeadline = now() + 30_000;
    while (now() < ackDeadline && sites.acks + sum(Object.values(sites.ackErrors)) < sites.receiptsSent) {
      await sleep(200);
      sites = await workers.siteStats();
    }

    // One delivery row per accepted alert, for the site it was sent to, stored as delivered.
    const rows = db
      .prepare(
        `SELECT m.id AS id, count(d.id) AS n, min(d.receiver_name) AS receiver, min(d.state) AS state,
                max(d.attempts) AS attempts, min(d.delivered_at - m.created_at) AS toStoredMs
           FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id GROUP BY m.id`,
      )
      .all();
    db.close();
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Every alert of the run is checked, the warm-up's too; only the measured ones count for speed.
    const everyAccepted = new Map([...warm.accepted, ...accepted]);
    const check = {
      acceptedMissingInDb: 0,
      notExactlyOneRow: 0,
      wrongSite: 0,
      notDelivered: 0,
      resent: 0, // delivery pushed more than once (attempts > 1)
      inDbNotAccepted: 0, // alerts the server stored whose POST the bench did not see answered 201
      statesNotDelivered: {},
    };
    const toStored = [];
    for (const [id, name] of everyAccepted) {
      const r = byId.get(id);
      if (!r) {
        check.acceptedMissingInDb++;
        continue;
      }
      if (r.n !== 1) check.notExactlyOneRow++;
      if (r.receiver !== name) check.wrongSite++;
      if (r.state !== 'delivered' && r.state !== 'read') {
        check.notDelivered++;
        check.statesNotDelivered[r.state] = (check.statesNotDelivered[r.state] ?? 0) + 1;
      }
      if (r.attempts > 1) check.resent++;
      if (r.toStoredMs != null && accepted.has(id)) toStored.push(r.toStoredMs);
    }
    for (const id of byId.keys()) if (!everyAccepted.has(id)) check.inDbNotAccepted++;

    const firstToStoredMs = storedAt === null ? null : storedAt - t0;
    const result = {
      n,
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      seconds,
      warmupSeconds: warm.seconds,
      warmupAccepted: warm.accepted.size,
      concurrency,
      connected: conn.connected,
      connectErrors: conn.errors,
      connectAllMs: conn.connectAllMs,
      requests: sent,
      statuses,
      transportFailures: failures,
      failureSamples: samples,
      accepted: accepted.size,
      acceptedInWindow,
      acceptedPerSecond: acceptedInWindow / seconds,
      loadMs: loadEndedAt - t0,
      lastAnswerMs: lastAnswerAt - t0,
      postLatencyMs: spread(latencies),
      acceptedNotOnline: notOnline,
      stored: storedSeen,
      allStored: storedAt !== null,
      firstPostToAllStoredMs: firstToStoredMs,
      storedPerSecond: firstToStoredMs ? accepted.size / (firstToStoredMs / 1000) : null,
      storedAfterLoadMs: storedAt === null ? null : storedAt - loadEndedAt,
      createdToDeliveredAtMs: spread(toStored),
      receivers: {
        arrivals: sites.arrivals,
        shown: sites.shown,
        duplicateArrivals: sites.duplicateArrivals,
        duplicateAfterAck: sites.duplicateAfterAck,
        duplicateShown: sites.duplicateShown,
        receiptsSent: sites.receiptsSent,
        acks: sites.acks,
        ackErrors: sites.ackErrors,
        outboxLeft: sites.outboxLeft,
        connectedAtEnd: sites.connectedNow,
      },
      check,
      cpuSeconds: { duringLoad: cpuLoad, untilStored: cpuToStored },
      cpuUntilStored: cpuUse, // CPU seconds by whom, first POST → all stored (machine = both CPUs)
      serverCpuShareDuringLoad: cpuLoad.server / ((loadEndedAt - t0) / 1000),
      idleShare,
      rssAfterLoadKb,
      sqlTrace: await sqlTrace,
    };
    // Named as the floor's result names them, so one list of figures reads both (THROUGHPUT_FIGURES).
    result.serverCpuMsPerAlert = (cpuUse.server * 1000) / Math.max(1, result.accepted);
    result.serverCpuMsPerAlertAboveIdle =
      ((cpuUse.server - idleShare * cpuUse.seconds) * 1000) / Math.max(1, result.accepted);
    result.commitsPerAlert = result.sqlTrace ? result.sqlTrace.commits / Math.max(1, result.accepted) : null;
    await pool.close();
    await workers.close(phaseMs);
    result.serverProblems = serverProblems(server);
    if (keepCertsIn) cpSync(join(server.dir, 'certs'), keepCertsIn, { recursive: true });
    return result;
  } finally {
    await stopChild(server.child);
    await server.dispatcher.close();
    dropServerDir(server);
  }
}

/**
 * The figures compared with the floor, read alike from Avisa's result and the floor's: `[label, of]`, or
 * `[label, of, ratio]` for a rate, where the ratio is the floor's over Avisa's (a cost ratio like the others).
 */
export const THROUGHPUT_FIGURES = [
  ['alerts/s with everything stored', (x) => x.storedPerSecond, (a, f) => (a && f ? f / a : null)],
  ['server CPU per durable private alert (ms)', (x) => x.serverCpuMsPerAlert],
  ['  of it above the idle cost of the connected sites (ms)', (x) => x.serverCpuMsPerAlertAboveIdle],
  ['server CPU idle, the sites connected (% of one core)', (x) => x.idleShare * 100],
  ['POST latency p50 (ms)', (x) => x.postLatencyMs.p50],
  ['commits (fsyncs) per alert', (x) => x.commitsPerAlert],
];

export function printThroughput(r) {
  const rows = [[`throughput, N=${r.n}, ${r.seconds} s, ${r.concurrency} POSTs in flight`, 'value']];
  const add = (label, v) => rows.push([label, typeof v === 'string' ? v : fmt(v)]);
  add('receivers connected', r.connected);
  if (r.warmupSeconds) add(`warm-up before, not measured: ${r.warmupSeconds} s`, `${fmt(r.warmupAccepted)} alerts`);
  add('POSTs sent', r.requests);
  add(
    'answers by status',
    Object.entries(r.statuses)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || '-',
  );
  const transport = Object.entries(r.transportFailures);
  if (transport.length) add('transport failures', transport.map(([k, v]) => `${k}: ${v}`).join(', '));
  add(`accepted (201) within the ${r.seconds} s`, r.acceptedInWindow);
  add('accepted alerts/s (window)', r.acceptedPerSecond);
  add('POST latency p50 / p99 (ms)', `${fmt(r.postLatencyMs.p50)} / ${fmt(r.postLatencyMs.p99)}`);
  add('accepted in all (incl. tail)', r.accepted);
  add('first POST → all stored (ms)', r.firstPostToAllStoredMs);
  add('alerts/s with everything stored', r.storedPerSecond);
  add('stored after the last POST (ms)', r.storedAfterLoadMs);
  add(
    'created → receipt, p50 / p99 (ms)',
    `${fmt(r.createdToDeliveredAtMs.p50)} / ${fmt(r.createdToDeliveredAtMs.p99)}`,
  );
  add('delivered rows / accepted (with the warm-up)', `${fmt(r.stored)} / ${fmt(r.accepted + r.warmupAccepted)}`);
  add('alerts arrived / shown at receivers', `${fmt(r.receivers.arrivals)} / ${fmt(r.receivers.shown)}`);
  add('receipts acked / sent', `${fmt(r.receivers.acks)} / ${fmt(r.receivers.receiptsSent)}`);
  const ackErrors = Object.entries(r.receivers.ackErrors);
  add('receipt errors', ackErrors.length ? ackErrors.map(([k, v]) => `${k}: ${v}`).join(', ') : '0');
  add('duplicate arrivals / shown twice', `${r.receivers.duplicateArrivals} / ${r.receivers.duplicateShown}`);
  const c = r.check;
  add(
    'rows: missing / ≠1 / wrong site / undelivered',
    `${c.acceptedMissingInDb} / ${c.notExactlyOneRow} / ${c.wrongSite} / ${c.notDelivered}`,
  );
  add('alerts pushed more than once', c.resent);
  add('server CPU during the load', `${Math.round(r.serverCpuShareDuringLoad * 100)} % of one core`);
  const u = r.cpuUntilStored;
  add(
    'CPU s until stored: server/receivers/bench/others/steal',
    `${u.server} / ${u.workers} / ${u.bench} / ${u.others} / ${u.steal} (of ${fmt(2 * u.seconds)})`,
  );
  // The figure to compare between machines: CPU, not wall time (disk sync latency and steal differ).
  add('server CPU per durable private alert (ms)', r.serverCpuMsPerAlert);
  add(`server CPU idle, ${fmt(r.connected)} sites connected`, `${Math.round(r.idleShare * 100)} % of one core`);
  if (r.sqlTrace) {
    add('commits (fsyncs) per alert', `${r.commitsPerAlert.toFixed(2)} (${r.sqlTrace.commits} for ${r.accepted})`);
  }
  add('server warnings/errors in its log', r.serverProblems.count);
  console.log(table(rows));
  const f = r.floor;
  if (!f) return;
  const rowsF = [[`private alerts, N=${r.n}: Avisa and the floor`, 'avisa', 'floor', 'ratio']];
  const shown = (x) => (x == null || Number.isNaN(x) ? '-' : Math.abs(x) < 10 ? x.toFixed(2) : fmt(x));
  for (const [label, of, ratio = (a, b) => (a && b ? a / b : null)] of THROUGHPUT_FIGURES) {
    const k = ratio(of(r), of(f));
    rowsF.push([label, shown(of(r)), shown(of(f)), k == null ? '-' : `${k.toFixed(2)}×`]);
  }
  rowsF.push([
    'floor, with its warm-up: accepted / stored / shown / shown twice',
    '',
    `${f.accepted + f.warmupAccepted} / ${f.stored} / ${f.shown} / ${f.duplicateShown}`,
    '',
  ]);
  console.log(table(rowsF));
}
