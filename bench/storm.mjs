/* global console */
// Reconnect storm: the server restarted with N receivers and alerts queued for them while it was down.
//
// 1. A fresh server, N sites provisioned and connected (bench/receiver-worker.mjs, `site` mode: a seen-ids
//    map per site that survives reconnections, like apps/receiver).
// 2. The sites go offline (every socket closed by the client); the bench waits until the server has closed
//    every connection record.
// 3. A global alerts are posted (`target: {kind:'all'}`, normal priority): each answer must say `queued: N`.
// 4. The server is killed with SIGKILL (the outage), then started again on the same port and data dir.
// 5. Every site runs apps/receiver's connection loop: socket.io-client's own reconnection off, one attempt at a
//    time, after a failure or a lost connection a full-jitter backoff (uniform in [0, min(max, min·2^attempt)]),
//    reset after a connection that lasted 10 s; receipts kept until acknowledged and sent again after
//    reconnecting. When the loops start (`--storm-start`):
//    - `receiver` (the default): at the kill, as receivers that lose the server do. Each first waits uniform in
//      [0, min], and the attempts made before the server listens again are refused by the closed port and back
//      off. The floor gets the same outage: it is started again so that it listens as long after its kill as
//      Avisa did.
//    - `herd`: all in the same tick, as soon as the server logs that it is listening (the worst case: no site
//      has backed off; no receiver behaves like this).
// Measured from server-ready: time until all N are connected, until every queued delivery is stored as
// delivered (SQLite, read-only), until every site has shown every alert; refused attempts by reason;
// lost = queued deliveries not delivered by the deadline; alerts shown twice; raw duplicate arrivals.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  TEXT,
  adminLogin,
  cpuMeter,
  cpuSeconds,
  dropServerDir,
  fmt,
  freePort,
  killHard,
  now,
  provision,
  rssKb,
  serverProblems,
  sleep,
  sqlTraceMark,
  startAvisa,
  startFloor,
  stopChild,
  table,
  within,
} from './harness.mjs';

const SETTLE_MS = 3_000; // after everything is in: keep listening for late duplicates

async function pollUntil(ms, what, test, every = 50) {
  const deadline = now() + ms;
  for (;;) {
    const value = test();
    if (value) return value;
    if (now() > deadline) throw new Error(`${what}: not reached within ${ms / 1000} s`);
    await sleep(every);
  }
}

/** Starts every site's reconnection loop in the workers (see `--storm-start` above). */
function startStorm(workers, url, ca, ids, opts, firstWaitMs) {
  return workers.storm({
    url,
    ca,
    expectedIds: ids,
    minMs: opts.minBackoffMs,
    maxMs: opts.maxBackoffMs,
    timeoutMs: opts.connectTimeoutMs,
    timeoutCapMs: opts.connectTimeoutCapMs,
    handshakeGraceMs: opts.handshakeGraceMs,
    clientContext: opts.clientContext,
    firstWaitMs,
  });
}

/**
 * Attempts refused by the closed port (nothing listened: the outage) apart from the storm's own. Only an attempt
 * made while the server was down is refused so; on these two busy cores one can be reported seconds later.
 */
function splitOutage(sites) {
  const refusals = {};
  let outage = 0;
  for (const [reason, count] of Object.entries(sites.refusals ?? {})) {
    if (reason.includes('ECONNREFUSED')) outage += count;
    else refusals[reason] = count;
  }
  return { attemptsDuringOutage: outage, attemptsMade: sites.attempts - outage, refusals };
}

export async function benchStorm(n, workers, opts, { keepCertsIn } = {}) {
  const { alerts, deadlineMs, minBackoffMs, maxBackoffMs, connectTimeoutMs, connect, phaseMs, start } = opts;
  let server = await startAvisa();
  const servers = [server];
  try {
    const admin = await adminLogin(server);
    const creds = await provision(server, admin, n, phaseMs);
    const url = `${server.base}/receivers`;
    const conn = await workers.connect(url, server.ca, creds, { ...connect, mode: 'site' });
    console.log(`  ${conn.connected}/${n} connected in ${fmt(conn.connectAllMs)} ms; going offline …`);
    if (conn.connected !== n) console.warn('  storm: not every site connected before the outage', conn.errors);

    // (a) The sites go offline.
    const offlineAt = now();
    await workers.offline(phaseMs);
    let db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    const openRows = db.prepare('SELECT count(*) AS c FROM receiver_connections WHERE disconnected_at IS NULL');
    await pollUntil(phaseMs, 'server closing every connection', () => openRows.get().c === 0, 100);
    const offlineMs = now() - offlineAt;
    db.close();

    // (b) Alerts queued for every site while they are offline.
    const ids = [];
    const answers = [];
    for (let i = 0; i < alerts; i++) {
      const res = await within(
        phaseMs,
        'POST /messages',
        server.api('POST', '/api/v1/messages', {
          token: admin,
          body: { target: { kind: 'all' }, text: `${TEXT} (storm #${i + 1})` },
        }),
      );
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
      answers.push({
        id: res.body.id,
        online: res.body.online.length,
        queued: res.body.queued.length,
        dropped: res.body.dropped.length,
      });
      if (res.body.queued.length !== n) {
        console.warn(`  storm: alert ${i + 1} queued for ${res.body.queued.length} of ${n} sites`, answers.at(-1));
      }
    }
    const expected = n * alerts;

    // (c) The outage: SIGKILL, no shutdown hook.
    const killedAt = now();
    await killHard(server.child);
    await server.dispatcher.close();
    const ca = server.ca;
    let started = start === 'herd' ? null : await startStorm(workers, url, ca, ids, opts, minBackoffMs);

    // (d) The same server again: same port, data dir and certificate.
    server = await startAvisa(server);
    servers.push(server);
    const t0 = server.readyAt;
    const restartMs = t0 - killedAt;
    void sqlTraceMark(server); // start-up statements of the restarted server end here
    const cpu0 = cpuSeconds(server.child.pid);
    const meter = cpuMeter(server.child.pid, workers.pids());

    // (e) The storm: the sites' loops started at the kill, or (herd) every site reconnects now, at once.
    started ??= await startStorm(workers, url, ca, ids, opts, 0);
    const stormSentMs = Math.max(...started.map((s) => s.at)) - t0;
    console.log(
      `  restarted in ${fmt(restartMs)} ms; loops started ${fmt(stormSentMs)} ms after server-ready (${start})`,
    );

    db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
    const placeholders = ids.map(() => '?').join(',');
    const deliveredCount = db.prepare(
      `SELECT count(*) AS c FROM deliveries WHERE message_id IN (${placeholders}) AND state IN ('delivered', 'read')`,
    );
    const deadline = t0 + deadlineMs;
    const timeline = [];
    let storedAt = null;
    let stored = 0;
    let sites = null;
    let lastStats = 0;
    let lastPrint = t0;
    while (now() < deadline) {
      stored = deliveredCount.get(...ids).c;
      if (stored >= expected && storedAt === null) storedAt = now();
      if (now() - lastStats >= 1000 || storedAt !== null) {
        sites = await workers.siteStats();
        lastStats = now();
        timeline.push({
          ms: Math.round(lastStats - t0),
          connected: sites.connectedNow,
          everConnected: sites.everConnected,
          stored,
          shown: sites.shown,
          refusals: Object.values(sites.refusals).reduce((a, v) => a + v, 0),
        });
        if (lastStats - lastPrint >= 5000) {
          lastPrint = lastStats;
          console.log(
            `  +${fmt((lastStats - t0) / 1000)} s: ${sites.connectedNow}/${n} connected (${sites.everConnected} ever), ` +
              `${stored}/${expected} stored, ${sites.shown} shown, refusals ${JSON.stringify(sites.refusals)}`,
          );
        }
        if (storedAt !== null && sites.everConnected === n && sites.allShown === n) break;
      }
      await sleep(100);
    }
    const doneAt = now();
    // What the deadline (or the end) found: this is what counts as lost and missing.
    const storedByDeadline = deliveredCount.get(...ids).c;
    const sitesByDeadline = await workers.siteStats();
    const cpuStorm = cpuSeconds(server.child.pid) - cpu0;
    const cpuUse = meter();
    const sqlTrace = sqlTraceMark(server); // statements of the storm
    const rssAfterKb = rssKb(server.child.pid);
    // Late duplicates (a resend of something already delivered) would show up within the settle time.
    await sleep(SETTLE_MS);
    sites = await workers.siteStats();
    const storedAfterSettle = deliveredCount.get(...ids).c;
    const states = Object.fromEntries(
      db
        .prepare(
          `SELECT state, count(*) AS c FROM deliveries WHERE message_id IN (${placeholders}) GROUP BY state ORDER BY state`,
        )
        .all(...ids)
        .map((r) => [r.state, r.c]),
    );
    const attempts = Object.fromEntries(
      db
        .prepare(
          `SELECT attempts, count(*) AS c FROM deliveries WHERE message_id IN (${placeholders}) GROUP BY attempts ORDER BY attempts`,
        )
        .all(...ids)
        .map((r) => [r.attempts, r.c]),
    );
    const rowsPerMessage = db
      .prepare(
        `SELECT message_id AS id, count(*) AS c FROM deliveries WHERE message_id IN (${placeholders}) GROUP BY message_id`,
      )
      .all(...ids);
    db.close();

    const byDeadline = (at) => (at && at <= deadline ? at - t0 : null);
    const allConnectedMs = sitesByDeadline.everConnected === n ? byDeadline(sitesByDeadline.lastFirstConnect) : null;
    const result = {
      n,
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
      alerts,
      expectedDeliveries: expected,
      options: {
        deadlineMs,
        minBackoffMs,
        maxBackoffMs,
        connectTimeoutMs,
        connectTimeoutCapMs: opts.connectTimeoutCapMs,
        handshakeGraceMs: opts.handshakeGraceMs,
        start,
        clientContext: opts.clientContext,
      },
      initialConnect: { connected: conn.connected, errors: conn.errors, connectAllMs: conn.connectAllMs },
      offlineMs,
      queuedAnswers: answers,
      deliveryRowsPerAlert: rowsPerMessage.map((r) => r.c),
      restartMs,
      serverStartMs: t0 - server.spawnedAt,
      stormStartedAfterReadyMs: stormSentMs,
      allConnectedMs,
      everConnected: sitesByDeadline.everConnected,
      connectedAtEnd: sites.connectedNow,
      allStoredMs: storedAt === null ? null : storedAt - t0,
      allShownMs: sitesByDeadline.allShown === n ? byDeadline(sitesByDeadline.lastAllShown) : null,
      sitesWithEveryAlert: sitesByDeadline.allShown,
      measuredForMs: doneAt - t0,
      deadlineReached: storedAt === null || doneAt >= deadline,
      storedByDeadline,
      lost: expected - storedByDeadline,
      missingAtReceivers: expected - (sitesByDeadline.shown - sitesByDeadline.unexpected),
      // After the settle time (informative: what came in after the deadline).
      storedAfterSettle,
      everConnectedAfterSettle: sites.everConnected,
      states,
      attempts,
      duplicateShown: sites.duplicateShown,
      duplicateArrivals: sites.duplicateArrivals,
      duplicateAfterAck: sites.duplicateAfterAck,
      unexpectedAlerts: sites.unexpected,
      outOfOrder: sites.outOfOrder,
      arrivals: sites.arrivals,
      shown: sites.shown,
      welcomes: sites.welcomes,
      welcomePending: sites.welcomePending,
      ...splitOutage(sites),
      disconnects: sites.disconnects,
      receiptsSent: sites.receiptsSent,
      acks: sites.acks,
      ackErrors: sites.ackErrors,
      outboxLeft: sites.outboxLeft,
      serverCpuSeconds: cpuStorm,
      serverCpuShare: cpuStorm / ((doneAt - t0) / 1000),
      cpuUntilDone: cpuUse, // CPU seconds by whom, server-ready → done (machine = both CPUs)
      rssAfterKb,
      timeline,
      sqlTrace: await sqlTrace,
    };
    await workers.close(phaseMs);
    result.serverProblemsBeforeRestart = serverProblems(servers[0], 0);
    result.serverProblemsAfterRestart = serverProblems(server, server.logOffset);
    if (keepCertsIn) cpSync(join(server.dir, 'certs'), keepCertsIn, { recursive: true });
    return result;
  } finally {
    await stopChild(server.child);
    await server.dispatcher.close();
    dropServerDir(server);
  }
}

/**
 * The same storm against the floor: N sites connected and gone offline, alerts queued for each in its SQLite file,
 * the floor killed with SIGKILL and started again, every site reconnecting at once with the same backoff and
 * connect timeout; the floor sends each site what is queued for it when it connects and commits each receipt
 * before acknowledging it. What this shows: how much of the storm's time and time-outs the harness's two cores and
 * the sites' own TLS handshakes cost, with no server work beyond the least.
 */
export async function benchStormFloor(n, workers, opts, certDir, outageMs) {
  const { alerts, deadlineMs, connect, phaseMs, start } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'avisa-bench-floor-storm-'));
  const dbFile = join(dir, 'floor.sqlite');
  const port = await freePort();
  const spawnedAt = now();
  let floor = await startFloor(certDir, port, dbFile);
  const startMs = floor.readyAt - spawnedAt;
  try {
    const ca = readFileSync(join(certDir, 'server.crt'), 'utf8');
    const url = `https://127.0.0.1:${port}/receivers`;
    const creds = Array.from({ length: n }, (_, i) => ({ name: `site-${i + 1}`, key: `avr_${randomUUID()}` }));
    const conn = await workers.connect(url, ca, creds, { ...connect, mode: 'site' });
    await workers.offline(phaseMs);
    const queued = await within(
      phaseMs,
      'floor queueing alerts',
      new Promise((r) => {
        floor.child.on('message', (m) => m.type === 'queued' && r(m));
        floor.child.send({ type: 'queue', alerts, text: TEXT });
      }),
    );
    const expected = queued.ids.length * queued.sites;
    const killedAt = now();
    await killHard(floor.child);
    if (start !== 'herd') {
      await startStorm(workers, url, ca, queued.ids, opts, opts.minBackoffMs);
      await sleep(Math.max(0, killedAt + outageMs - startMs - now()));
    }
    floor = await startFloor(certDir, port, dbFile);
    const t0 = floor.readyAt;
    const cpu0 = cpuSeconds(floor.child.pid);
    const meter = cpuMeter(floor.child.pid, workers.pids());
    if (start === 'herd') await startStorm(workers, url, ca, queued.ids, opts, 0);
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const delivered = db.prepare("SELECT count(*) AS c FROM deliveries WHERE state = 'delivered'");
    const deadline = t0 + deadlineMs;
    let storedAt = null;
    let sites = null;
    while (now() < deadline) {
      if (storedAt === null && delivered.get().c >= expected) storedAt = now();
      sites = await workers.siteStats();
      if (storedAt !== null && sites.everConnected === n && sites.allShown === n) break;
      await sleep(250);
    }
    const doneAt = now();
    const stored = delivered.get().c;
    db.close();
    const cpuUse = meter();
    const byDeadline = (at) => (at && at <= deadline ? at - t0 : null);
    const result = {
      n,
      alerts,
      initialConnect: { connected: conn.connected, connectAllMs: conn.connectAllMs },
      restartMs: t0 - killedAt,
      allConnectedMs: sites.everConnected === n ? byDeadline(sites.lastFirstConnect) : null,
      allStoredMs: storedAt === null ? null : storedAt - t0,
      allShownMs: sites.allShown === n ? byDeadline(sites.lastAllShown) : null,
      lost: expected - stored,
      duplicateShown: sites.duplicateShown,
      ...splitOutage(sites),
      serverCpuSeconds: cpuSeconds(floor.child.pid) - cpu0,
      serverCpuShare: (cpuSeconds(floor.child.pid) - cpu0) / ((doneAt - t0) / 1000),
      cpuUntilDone: cpuUse,
    };
    await workers.close(phaseMs);
    return result;
  } finally {
    await stopChild(floor.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printStorm(r) {
  const rows = [[`reconnect storm, N=${r.n}, ${r.alerts} alerts queued`, 'value']];
  const add = (label, v) => rows.push([label, typeof v === 'string' ? v : fmt(v)]);
  const counts = (o) =>
    Object.entries(o)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ') || '0';
  add('queued per alert (answer)', r.queuedAnswers.map((a) => a.queued).join(' / '));
  add('killed → listening again (ms)', r.restartMs);
  add(
    `attempts refused while down (loops: ${r.options.start}; client TLS context: ${r.options.clientContext})`,
    r.attemptsDuringOutage,
  );
  add('all connected (ms after ready)', r.allConnectedMs ?? `not all: ${r.everConnected}/${r.n}`);
  add('all delivered, stored (ms)', r.allStoredMs ?? `not all: ${r.storedByDeadline}/${r.expectedDeliveries}`);
  add('every site showed every alert (ms)', r.allShownMs ?? `not all: ${r.sitesWithEveryAlert}/${r.n}`);
  add('lost (not delivered by the deadline)', r.lost);
  add('missing at the receivers', r.missingAtReceivers);
  add('shown twice', r.duplicateShown);
  add('raw duplicate arrivals', r.duplicateArrivals);
  add('  of which after an acked receipt', r.duplicateAfterAck);
  add('shown out of order', r.outOfOrder);
  add('connection attempts', r.attemptsMade);
  add('refused / failed attempts', counts(r.refusals));
  add('disconnections after connecting', counts(r.disconnects));
  add('receipts acked / sent', `${fmt(r.acks)} / ${fmt(r.receiptsSent)}`);
  add('receipt errors', counts(r.ackErrors));
  add('delivery states at the end', counts(r.states));
  add('server CPU from ready to done', `${Math.round(r.serverCpuShare * 100)} % of one core`);
  const u = r.cpuUntilDone;
  add(
    'CPU s: server/receivers/bench/others/steal',
    `${u.server} / ${u.workers} / ${u.bench} / ${u.others} / ${u.steal} (of ${fmt(2 * u.seconds)})`,
  );
  add('server RSS after (MB)', r.rssAfterKb / 1024);
  add('server warnings/errors after restart', r.serverProblemsAfterRestart.count);
  console.log(table(rows));
  const f = r.floor;
  if (!f) return;
  const fr = [[`the same storm against the floor, N=${f.n}`, 'value']];
  const addF = (label, v) => fr.push([label, typeof v === 'string' ? v : fmt(v)]);
  addF('killed → listening again (ms)', f.restartMs);
  addF('attempts refused while down', f.attemptsDuringOutage);
  addF('all connected (ms after ready)', f.allConnectedMs ?? 'not all');
  addF('all delivered, stored (ms)', f.allStoredMs ?? 'not all');
  addF('every site showed every alert (ms)', f.allShownMs ?? 'not all');
  addF('lost / shown twice', `${f.lost} / ${f.duplicateShown}`);
  addF('connection attempts', f.attemptsMade);
  addF('refused / failed attempts', counts(f.refusals));
  const v = f.cpuUntilDone;
  addF(
    'CPU s: server/receivers/bench/others/steal',
    `${v.server} / ${v.workers} / ${v.bench} / ${v.others} / ${v.steal}`,
  );
  console.log(table(fr));
}
