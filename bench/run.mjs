/* global process, console */
/* eslint-disable no-restricted-properties -- the bench is not the server: it reads its options from the environment */
// npm run bench -- [--scenarios capacity,fanout,throughput,storm,cluster] [--sizes 1000,5000,10000] [--rounds 10]
//                  [--warmup 3] [--round-gap 300] [--workers 4 | --workers 2,4] [--concurrency 50] [--repeat 1]
//                  [--phase-timeout 120]
//                  [--throughput-seconds 30] [--throughput-warmup 20] [--throughput-concurrency 16]
//                  [--chat-users 1000] [--chat-rooms 100] [--chat-rate 200] [--chat-seconds 30]
//                  [--files-sites 500] [--files-upload-mb 20] [--files-attachment-mb 2]
//                  [--storm-size 10000] [--storm-alerts 3] [--storm-deadline 300] [--storm-min-backoff 1000]
//                  [--storm-max-backoff 180000] [--storm-connect-timeout 20000] [--storm-connect-timeout-cap 80000]
//                  [--storm-handshake-grace 60000]
//                  [--storm-start receiver|herd] [--storm-client-context shared|per-attempt]
//                  [--cluster-size 10000] [--cluster-rounds 10] [--cluster-throughput-seconds 15]
//                  [--cluster-database-url postgres://postgres@127.0.0.1:5432/test]
//                  [--cluster-redis-url redis://127.0.0.1:6379]
// env: BENCH_SCENARIOS, BENCH_SIZES, BENCH_ROUNDS, BENCH_WARMUP_ROUNDS, BENCH_ROUND_GAP_MS, BENCH_WORKERS,
//      BENCH_PHASE_TIMEOUT_SECONDS, BENCH_CONCURRENCY,
//      BENCH_THROUGHPUT_SECONDS, BENCH_THROUGHPUT_CONCURRENCY, BENCH_STORM_SIZE, BENCH_STORM_ALERTS,
//      BENCH_STORM_DEADLINE_SECONDS, BENCH_STORM_MIN_BACKOFF_MS, BENCH_STORM_MAX_BACKOFF_MS,
//      BENCH_STORM_CONNECT_TIMEOUT_MS, BENCH_STORM_CONNECT_TIMEOUT_CAP_MS, BENCH_STORM_START,
//      BENCH_STORM_CLIENT_CONTEXT, BENCH_CLUSTER_SIZE, BENCH_CLUSTER_ROUNDS, BENCH_CLUSTER_THROUGHPUT_SECONDS,
//      BENCH_CLUSTER_DATABASE_URL, BENCH_CLUSTER_REDIS_URL,
//      BENCH_SERVER_NODE_OPTIONS (extra node flags for the Avisa server, e.g. --cpu-prof),
//      BENCH_FLOOR_NODE_OPTIONS (the same for the floor server)
//
// Scenarios (default: all five; the default run skips cluster, with a notice, when PostgreSQL or Redis does not
// answer):
// - capacity, fanout: the real Avisa server (production build, SQLite file, TLS as shipped) against the floor,
//   a bare Socket.IO server over HTTPS broadcasting the same payload to the same number of plain clients,
//   for each of --sizes (capacity alone skips the fan-out rounds);
// - throughput: private alerts per second through the API for --throughput-seconds (after --throughput-warmup
//   seconds of the same load, not measured), for each of --sizes, then the same load against the floor's
//   private-alert mode (a bare HTTPS + Socket.IO + SQLite server that keeps the same guarantees: 201 once
//   committed, receipt acknowledged once committed) (bench/throughput.mjs);
// - storm: the server killed and restarted with --storm-size receivers and alerts queued while it was down, then
//   the same storm against the floor (the least server that sends what is queued and commits receipts)
//   (bench/storm.mjs);
// - chat (only when asked for): 1,000 users' sockets in 100 rooms of 10, 200 messages/s for 30 s through the API,
//   send → last member against a bare Socket.IO relay, and history pages from a room of 1,000,000 (bench/chat.mjs);
// - files (only when asked for): a 20 MB upload through quarantine and clamd, then 500 sites fetching one 2 MB
//   attachment at once against a bare Node HTTPS server streaming the same file (bench/files.mjs);
// - cluster: two instances on one fresh PostgreSQL database and one Redis prefix, --cluster-size receivers spread
//   half/half over them, fan-out through one instance and private alerts through both (bench/cluster.mjs). It
//   needs PostgreSQL and Redis on 127.0.0.1 (the database URL names the maintenance database the bench connects
//   to for CREATE/DROP DATABASE). About 4 minutes at 10,000 here, so the whole default run stays near 10 minutes.
// Everything on 127.0.0.1; every phase has a time limit; all children are killed on exit.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Agent, buildConnector, request } from 'undici';
import {
  HERE,
  SERVER_MAIN,
  TEXT,
  Workers,
  adminLogin,
  arg,
  cpuSeconds,
  freePort,
  hasArg,
  median,
  now,
  pct,
  provision,
  round1,
  rssKb,
  settledRssKb,
  sleep,
  sqlTraceMark,
  startAvisa,
  startFloor,
  stopChild,
  table,
  tempDirs,
  within,
} from './harness.mjs';
import { benchCluster, clusterServicesReachable, printCluster } from './cluster.mjs';
import { benchChat, printChat } from './chat.mjs';
import { benchFiles, printFiles } from './files.mjs';
import { benchStorm, benchStormFloor, printStorm } from './storm.mjs';
import { THROUGHPUT_FIGURES, benchThroughput, benchThroughputFloor, printThroughput } from './throughput.mjs';

const DEFAULT_SCENARIOS = ['capacity', 'fanout', 'throughput', 'storm', 'cluster'];
/** Run only when asked for with --scenarios. */
const ALL_SCENARIOS = [...DEFAULT_SCENARIOS, 'files', 'chat'];
const SCENARIOS_GIVEN = hasArg('scenarios') || Boolean(process.env.BENCH_SCENARIOS);
const SCENARIOS = arg('scenarios', 'BENCH_SCENARIOS', DEFAULT_SCENARIOS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of SCENARIOS)
  if (!ALL_SCENARIOS.includes(s)) throw new Error(`unknown scenario "${s}" (${ALL_SCENARIOS})`);
const SIZES_GIVEN = hasArg('sizes') || Boolean(process.env.BENCH_SIZES);
const SIZES = arg('sizes', 'BENCH_SIZES', '1000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
// Capacity alone: connect and measure memory, no fan-out rounds.
const ROUNDS = SCENARIOS.includes('fanout') ? Number(arg('rounds', 'BENCH_ROUNDS', '10')) : 0;
const WARMUP = SCENARIOS.includes('fanout') ? Number(arg('warmup', 'BENCH_WARMUP_ROUNDS', '3')) : 0;
const ROUND_GAP_MS = Number(arg('round-gap', 'BENCH_ROUND_GAP_MS', '300'));
// Capacity, fan-out and throughput: this many Avisa-then-floor pairs per size and setting, and then the medians over
// them, for each figure and for the pairs' ratios. One pair's ratio moves with whatever else the machine did in its
// minutes.
const REPEAT = Math.max(1, Number(arg('repeat', 'BENCH_REPEAT', '1')));
// Several receiver-process settings for capacity and fan-out (e.g. 2,4); the other scenarios use the first.
const WORKER_SETTINGS = arg('workers', 'BENCH_WORKERS', '4')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const WORKERS = WORKER_SETTINGS[0];
const CONCURRENCY = Number(arg('concurrency', 'BENCH_CONCURRENCY', '50')); // handshakes in flight per worker
const PHASE_MS = Number(arg('phase-timeout', 'BENCH_PHASE_TIMEOUT_SECONDS', '120')) * 1000;
const CONNECT = { concurrency: CONCURRENCY, phaseMs: PHASE_MS };
const THROUGHPUT = {
  seconds: Number(arg('throughput-seconds', 'BENCH_THROUGHPUT_SECONDS', '30')),
  // The same load first, not measured, so a fresh server's JIT compilation is not counted per alert (0: none).
  warmupSeconds: Number(arg('throughput-warmup', 'BENCH_THROUGHPUT_WARMUP_SECONDS', '20')),
  concurrency: Number(arg('throughput-concurrency', 'BENCH_THROUGHPUT_CONCURRENCY', '16')), // POSTs in flight
  connect: CONNECT,
  phaseMs: PHASE_MS,
};
const CHAT = {
  users: Number(arg('chat-users', 'BENCH_CHAT_USERS', '1000')),
  rooms: Number(arg('chat-rooms', 'BENCH_CHAT_ROOMS', '100')),
  rate: Number(arg('chat-rate', 'BENCH_CHAT_RATE', '200')),
  seconds: Number(arg('chat-seconds', 'BENCH_CHAT_SECONDS', '30')),
  workers: WORKERS,
  historyReads: 200,
  phaseMs: Number(arg('phase-timeout', 'BENCH_PHASE_TIMEOUT_SECONDS', '120')) * 1000,
};
const FILES = {
  sites: Number(arg('files-sites', 'BENCH_FILES_SITES', '500')),
  uploadMb: Number(arg('files-upload-mb', 'BENCH_FILES_UPLOAD_MB', '20')),
  attachmentMb: Number(arg('files-attachment-mb', 'BENCH_FILES_ATTACHMENT_MB', '2')),
  phaseMs: Number(arg('phase-timeout', 'BENCH_PHASE_TIMEOUT_SECONDS', '120')) * 1000,
};
const STORM = {
  // 10,000 unless --sizes was given: then the largest of them.
  size: Number(arg('storm-size', 'BENCH_STORM_SIZE', String(SIZES_GIVEN ? Math.max(...SIZES) : 10_000))),
  alerts: Number(arg('storm-alerts', 'BENCH_STORM_ALERTS', '3')),
  deadlineMs: Number(arg('storm-deadline', 'BENCH_STORM_DEADLINE_SECONDS', '300')) * 1000,
  minBackoffMs: Number(arg('storm-min-backoff', 'BENCH_STORM_MIN_BACKOFF_MS', '1000')),
  // The receiver's own bounds (RECONNECT_BACKOFF in apps/receiver/src/backoff.ts): 1 s doubling up to 3 minutes.
  maxBackoffMs: Number(arg('storm-max-backoff', 'BENCH_STORM_MAX_BACKOFF_MS', '180000')),
  connectTimeoutMs: Number(arg('storm-connect-timeout', 'BENCH_STORM_CONNECT_TIMEOUT_MS', '20000')),
  // apps/receiver's CONNECT_TIMEOUT: the connect timeout doubles after each time-out, up to this cap.
  connectTimeoutCapMs: Number(arg('storm-connect-timeout-cap', 'BENCH_STORM_CONNECT_TIMEOUT_CAP_MS', '80000')),
  // apps/receiver's HANDSHAKE_GRACE_MS: the connect timeout is for reaching the server (TCP); once the server's
  // machine accepted the connection, the TLS and Socket.IO handshakes get this much longer. 0: one limit for all.
  handshakeGraceMs: Number(arg('storm-handshake-grace', 'BENCH_STORM_HANDSHAKE_GRACE_MS', '60000')),
  // receiver: every site's loop starts at the kill, as apps/receiver's does; herd: all at once at server-ready.
  start: arg('storm-start', 'BENCH_STORM_START', 'receiver'),
  // shared: one client TLS context per receiver process (see bench/receiver-worker.mjs); per-attempt: one built from
  // the CA for every attempt, as each real site does on its own PC, here on the server's two cores.
  clientContext: arg('storm-client-context', 'BENCH_STORM_CLIENT_CONTEXT', 'shared'),
  connect: CONNECT,
  phaseMs: PHASE_MS,
};
if (!['receiver', 'herd'].includes(STORM.start)) {
  throw new Error(`--storm-start must be receiver or herd, not ${JSON.stringify(STORM.start)}`);
}
if (!['shared', 'per-attempt'].includes(STORM.clientContext)) {
  throw new Error(`--storm-client-context must be shared or per-attempt, not ${JSON.stringify(STORM.clientContext)}`);
}
const CLUSTER = {
  // Like the storm: 10,000 unless --sizes was given, then the largest of them.
  size: Number(arg('cluster-size', 'BENCH_CLUSTER_SIZE', String(SIZES_GIVEN ? Math.max(...SIZES) : 10_000))),
  rounds: Number(arg('cluster-rounds', 'BENCH_CLUSTER_ROUNDS', '10')),
  seconds: Number(arg('cluster-throughput-seconds', 'BENCH_CLUSTER_THROUGHPUT_SECONDS', '15')),
  warmupSeconds: THROUGHPUT.warmupSeconds,
  concurrency: THROUGHPUT.concurrency,
  databaseUrl: arg('cluster-database-url', 'BENCH_CLUSTER_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/test'),
  redisUrl: arg('cluster-redis-url', 'BENCH_CLUSTER_REDIS_URL', 'redis://127.0.0.1:6379'),
  connect: CONNECT,
  phaseMs: PHASE_MS,
};

// ---------- capacity and fan-out: the real server ----------

function arrivalStats(t0, recv, acks) {
  const rel = recv.map((t) => t - t0);
  return {
    received: recv.length,
    firstMs: rel[0],
    medianMs: pct(rel, 50),
    p99Ms: pct(rel, 99),
    lastMs: rel[rel.length - 1],
    medianAckAtClientMs: acks.length ? pct(acks, 50) - t0 : null,
    lastAckAtClientMs: acks.length ? acks[acks.length - 1] - t0 : null,
  };
}

/** Until every receipt is stored (Avisa) or received (the floor) and acknowledged at its receiver. */
const doneMs = (round) =>
  round.storedMs == null || round.lastAckAtClientMs == null ? null : Math.max(round.storedMs, round.lastAckAtClientMs);

/**
 * Warm-up rounds first (not reported), then the measured ones; each round's server CPU is read from
 * /proc/<pid>/stat just before the POST and once every receipt is stored (or received) and acknowledged.
 */
async function fanoutRounds(pid, oneRound, server = null) {
  const rounds = [];
  let measuredFrom = 0;
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    if (r === WARMUP) {
      if (server) await sqlTraceMark(server); // statements of start-up, connecting and warm-up end here
      measuredFrom = cpuSeconds(pid);
    }
    const cpuBefore = cpuSeconds(pid);
    const round = await oneRound(r);
    round.serverCpuMs = (cpuSeconds(pid) - cpuBefore) * 1000;
    round.doneMs = doneMs(round);
    if (r >= WARMUP) rounds.push(round);
    await sleep(ROUND_GAP_MS);
  }
  // What the server still does once a round is done (counts for operators, checkpoints) belongs to it too.
  await cpuQuiet(pid);
  const serverCpuMsPerRoundAll = ROUNDS ? ((cpuSeconds(pid) - measuredFrom) * 1000) / ROUNDS : null;
  const sqlTrace = server ? await sqlTraceMark(server) : null; // the measured rounds' statements
  return { rounds, serverCpuMsPerRoundAll, sqlTrace };
}

/** Waits (at most 10 s) until the process has used no CPU for half a second. */
async function cpuQuiet(pid) {
  const until = now() + 10_000;
  let last = cpuSeconds(pid);
  while (now() < until) {
    await sleep(500);
    const cpu = cpuSeconds(pid);
    if (cpu === last) return;
    last = cpu;
  }
}

async function benchAvisa(n, workers) {
  const server = await startAvisa();
  const token = await adminLogin(server);

  const provisionStarted = now();
  const creds = await provision(server, token, n, PHASE_MS);
  const provisionMs = now() - provisionStarted;

  const rssBefore = await settledRssKb(server.child.pid);
  await sqlTraceMark(server); // statements of start-up and provisioning end here
  const connectCpuBefore = cpuSeconds(server.child.pid);
  const conn = await workers.connect(`${server.base}/receivers`, server.ca, creds, CONNECT);
  const connectCpuMs = (cpuSeconds(server.child.pid) - connectCpuBefore) * 1000;
  const connectSqlTrace = await sqlTraceMark(server); // the statements of connecting every site
  const rssConnected = await settledRssKb(server.child.pid);
  if (conn.connected !== n) console.warn(`  avisa: only ${conn.connected}/${n} connected`, conn.errors);

  const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
  const storedCount = db.prepare(
    "SELECT count(*) AS c FROM deliveries WHERE message_id = ? AND state IN ('delivered', 'read')",
  );
  const { rounds, serverCpuMsPerRoundAll, sqlTrace } = await fanoutRounds(
    server.child.pid,
    async (r) => {
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
      return { id, online, postMs, ...arrivalStats(t0, got.recv, got.acks), ackErrors: got.ackErrors, storedMs };
    },
    server,
  );
  db.close();
  const rssAfterFanout = rssKb(server.child.pid);
  await workers.close(PHASE_MS);
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
    connectCpuMs,
    connectSqlTrace,
    ...conn,
    rounds,
    serverCpuMsPerRoundAll,
    sqlTrace,
    serverWarnings: slowLog,
    certDir: join(server.dir, 'certs'),
    keep: server,
  };
}

// ---------- the floor ----------

async function benchFloor(n, workers, certDir) {
  const port = await freePort();
  const { child } = await startFloor(certDir, port);
  const ca = readFileSync(join(certDir, 'server.crt'), 'utf8');
  const dispatcher = new Agent({ connect: buildConnector({ ca }), connections: 8 });
  const base = `https://127.0.0.1:${port}`;
  // Plain clients: the same handshake object is sent (the floor ignores it) so the bytes on the wire match.
  const creds = Array.from({ length: n }, (_, i) => ({
    name: `bench-${String(i).padStart(5, '0')}`,
    key: `avr_${randomUUID()}`,
  }));

  const rssBefore = await settledRssKb(child.pid);
  const connectCpuBefore = cpuSeconds(child.pid);
  const conn = await workers.connect(`${base}/receivers`, ca, creds, CONNECT);
  const connectCpuMs = (cpuSeconds(child.pid) - connectCpuBefore) * 1000;
  const rssConnected = await settledRssKb(child.pid);

  const { rounds, serverCpuMsPerRoundAll } = await fanoutRounds(child.pid, async (r) => {
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
    return { id, postMs, ...arrivalStats(t0, got.recv, got.acks), ackErrors: got.ackErrors, storedMs: ackAt - t0 };
  });
  const rssAfterFanout = rssKb(child.pid);
  await workers.close(PHASE_MS);
  await stopChild(child);
  await dispatcher.close();
  return {
    rssBeforeKb: rssBefore,
    rssConnectedKb: rssConnected,
    rssAfterFanoutKb: rssAfterFanout,
    kbPerReceiver: (rssConnected - rssBefore) / n,
    connectCpuMs,
    ...conn,
    rounds,
    serverCpuMsPerRoundAll,
  };
}

// ---------- report ----------

function summarize(result) {
  const keys = [
    'postMs',
    'firstMs',
    'medianMs',
    'p99Ms',
    'lastMs',
    'medianAckAtClientMs',
    'lastAckAtClientMs',
    'storedMs',
    'doneMs',
    'serverCpuMs',
  ];
  const out = {};
  for (const k of keys) out[k] = median(result.rounds.map((r) => r[k]));
  out.serverCpuMsPerRoundAll = result.serverCpuMsPerRoundAll;
  return out;
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
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
  if (SCENARIOS.includes('cluster') && !SCENARIOS_GIVEN && !clusterServicesReachable(CLUSTER)) {
    console.warn(
      `bench: cluster skipped: PostgreSQL (${CLUSTER.databaseUrl}) or Redis (${CLUSTER.redisUrl}) does not answer`,
    );
    SCENARIOS.splice(SCENARIOS.indexOf('cluster'), 1);
  }
  const sized = SCENARIOS.some((s) => s !== 'storm' && s !== 'cluster');
  console.log(
    `bench: scenarios ${SCENARIOS.join(', ')}; ${sized ? `sizes ${SIZES.join(', ')}, ${ROUNDS} rounds after ${WARMUP} warm-up, ${ROUND_GAP_MS} ms apart, ` : ''}${SCENARIOS.includes('storm') ? `storm size ${STORM.size}, ` : ''}${SCENARIOS.includes('cluster') ? `cluster size ${CLUSTER.size}, ` : ''}${WORKER_SETTINGS.join(' and ')} receiver processes, ${CONCURRENCY} handshakes in flight each; ${machine.cpus} CPUs, node ${machine.node}`,
  );
  const results = [];
  const repeated = [];
  const throughput = [];
  const repeatedThroughput = [];
  let storm = null;
  let cluster = null;
  let files = null;
  let chat = null;
  mkdirSync(join(HERE, 'results'), { recursive: true });
  const file = join(HERE, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // Written after each scenario and size, so a run stopped part-way keeps what it measured.
  const writeResults = () =>
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          machine,
          scenarios: SCENARIOS,
          sizes: SIZES,
          rounds: ROUNDS,
          workers: WORKER_SETTINGS,
          concurrency: CONCURRENCY,
          repeat: REPEAT,
          results,
          repeated: REPEAT > 1 ? repeated : undefined,
          throughputOptions: SCENARIOS.includes('throughput')
            ? { seconds: THROUGHPUT.seconds, concurrency: THROUGHPUT.concurrency }
            : undefined,
          throughput: SCENARIOS.includes('throughput') ? throughput : undefined,
          repeatedThroughput: SCENARIOS.includes('throughput') && REPEAT > 1 ? repeatedThroughput : undefined,
          stormOptions: SCENARIOS.includes('storm')
            ? {
                size: STORM.size,
                alerts: STORM.alerts,
                deadlineMs: STORM.deadlineMs,
                minBackoffMs: STORM.minBackoffMs,
                maxBackoffMs: STORM.maxBackoffMs,
                connectTimeoutMs: STORM.connectTimeoutMs,
                connectTimeoutCapMs: STORM.connectTimeoutCapMs,
                handshakeGraceMs: STORM.handshakeGraceMs,
                start: STORM.start,
                clientContext: STORM.clientContext,
              }
            : undefined,
          storm: storm ?? undefined,
          files: files ?? undefined,
          chat: chat ?? undefined,
          clusterOptions: SCENARIOS.includes('cluster')
            ? {
                size: CLUSTER.size,
                rounds: CLUSTER.rounds,
                seconds: CLUSTER.seconds,
                concurrency: CLUSTER.concurrency,
              }
            : undefined,
          cluster: cluster ?? undefined,
        },
        null,
        2,
      ),
    );
  if (SCENARIOS.includes('capacity') || SCENARIOS.includes('fanout')) {
    for (const n of SIZES)
      for (const w of WORKER_SETTINGS) {
        const pairs = [];
        for (let pass = 1; pass <= REPEAT; pass++) {
          const workers = new Workers(w);
          try {
            const of = REPEAT > 1 ? `, pair ${pass} of ${REPEAT}` : '';
            console.log(`\n[N=${n}, ${w} receiver processes${of}] avisa …`);
            const avisa = await benchAvisa(n, workers);
            const { keep, certDir, ...avisaOut } = avisa;
            console.log(`[N=${n}] floor …`);
            const floor = await benchFloor(n, workers, certDir);
            rmSync(keep.dir, { recursive: true, force: true });
            tempDirs.delete(keep.dir);
            const result = {
              n,
              workers: w,
              pass,
              warmupRounds: WARMUP,
              roundGapMs: ROUND_GAP_MS,
              avisa: { ...avisaOut, summary: summarize(avisa) },
              floor: { ...floor, summary: summarize(floor) },
            };
            results.push(result);
            pairs.push(result);
            printSize(result);
            writeResults();
          } finally {
            workers.kill();
          }
        }
        if (REPEAT > 1) {
          repeated.push({ n, workers: w, pairs: pairs.length, figures: overPairs(pairs, SIZE_FIGURES) });
          printRepeated(repeated[repeated.length - 1], `${w} receiver processes`);
          writeResults();
        }
      }
  }
  if (SCENARIOS.includes('throughput')) {
    for (const n of SIZES) {
      const pairs = [];
      for (let pass = 1; pass <= REPEAT; pass++) {
        const workers = new Workers(WORKERS);
        try {
          const of = REPEAT > 1 ? `, pair ${pass} of ${REPEAT}` : '';
          console.log(
            `\n[N=${n}${of}] throughput: ${THROUGHPUT.seconds} s, ${THROUGHPUT.concurrency} POSTs in flight …`,
          );
          const certDir = join(mkdtempSync(join(tmpdir(), 'avisa-bench-certs-')), 'certs');
          try {
            const result = await benchThroughput(n, workers, THROUGHPUT, { keepCertsIn: certDir });
            console.log(`[N=${n}] throughput: the floor …`);
            const floorWorkers = new Workers(WORKERS);
            try {
              result.floor = await benchThroughputFloor(n, floorWorkers, THROUGHPUT, certDir);
            } finally {
              floorWorkers.kill();
            }
            result.pass = pass;
            throughput.push(result);
            pairs.push(result);
          } finally {
            rmSync(dirname(certDir), { recursive: true, force: true });
          }
          printThroughput(throughput[throughput.length - 1]);
          writeResults();
        } finally {
          workers.kill();
        }
      }
      if (REPEAT > 1) {
        const sides = pairs.map((r) => ({ avisa: r, floor: r.floor }));
        repeatedThroughput.push({
          n,
          workers: WORKERS,
          pairs: pairs.length,
          figures: overPairs(sides, THROUGHPUT_FIGURES),
        });
        printRepeated(repeatedThroughput[repeatedThroughput.length - 1], 'private alerts');
        writeResults();
      }
    }
  }
  if (SCENARIOS.includes('storm')) {
    const workers = new Workers(WORKERS);
    try {
      console.log(`\n[N=${STORM.size}] reconnect storm: ${STORM.alerts} alerts queued during the outage …`);
      const certDir = join(mkdtempSync(join(tmpdir(), 'avisa-bench-certs-')), 'certs');
      try {
        storm = await benchStorm(STORM.size, workers, STORM, { keepCertsIn: certDir });
        console.log(`[N=${STORM.size}] reconnect storm: the floor …`);
        const floorWorkers = new Workers(WORKERS);
        try {
          storm.floor = await benchStormFloor(STORM.size, floorWorkers, STORM, certDir, storm.restartMs);
        } finally {
          floorWorkers.kill();
        }
      } finally {
        rmSync(dirname(certDir), { recursive: true, force: true });
      }
      printStorm(storm);
      writeResults();
    } finally {
      workers.kill();
    }
  }
  if (SCENARIOS.includes('chat')) {
    console.log(`\nchat: ${CHAT.users} users in ${CHAT.rooms} rooms, ${CHAT.rate} messages/s for ${CHAT.seconds} s …`);
    chat = await benchChat(CHAT);
    printChat(chat);
    writeResults();
  }
  if (SCENARIOS.includes('files')) {
    console.log(
      `\nshared files: ${FILES.uploadMb} MB upload and scan, ${FILES.sites} sites fetching a ${FILES.attachmentMb} MB attachment …`,
    );
    files = await benchFiles(FILES);
    printFiles(files);
    writeResults();
  }
  if (SCENARIOS.includes('cluster')) {
    const workers = new Workers(WORKERS);
    try {
      console.log(
        `\n[N=${CLUSTER.size}] two instances (PostgreSQL + Redis): ${CLUSTER.rounds} fan-out rounds, ` +
          `${CLUSTER.seconds} s of private alerts …`,
      );
      cluster = await benchCluster(CLUSTER.size, workers, CLUSTER);
      // The single-instance figures of this run, when those scenarios ran: same N for fan-out, any N for throughput.
      const single = results.find((r) => r.n === CLUSTER.size)?.avisa ?? null;
      const tp = throughput.find((t) => t.n === CLUSTER.size) ?? throughput.at(-1) ?? null;
      printCluster(cluster, { single, throughput: tp });
      writeResults();
    } finally {
      workers.kill();
    }
  }
  console.log(`\nJSON: ${file}`);
}

/** The figures of one Avisa-and-floor pair, as [label, value of one side]; rows with no value head a section. */
const SIZE_FIGURES = [
  ['connected', (x) => x.connected],
  ['RSS before (MB)', (x) => x.rssBeforeKb / 1024],
  ['RSS connected (MB)', (x) => x.rssConnectedKb / 1024],
  ['KB per receiver', (x) => x.kbPerReceiver],
  ['connect all (ms)', (x) => x.connectAllMs],
  ['server CPU to connect all (ms)', (x) => x.connectCpuMs],
  [`fan-out, median of the rounds after ${WARMUP} warm-up`, null],
  ['  POST answered (ms)', (x) => x.summary.postMs],
  ['  first alert arrives (ms)', (x) => x.summary.firstMs],
  ['  median arrival (ms)', (x) => x.summary.medianMs],
  ['  p99 arrival (ms)', (x) => x.summary.p99Ms],
  ['  last arrival (ms)', (x) => x.summary.lastMs],
  ['  median receipt acked (ms)', (x) => x.summary.medianAckAtClientMs],
  ['  last receipt acked (ms)', (x) => x.summary.lastAckAtClientMs],
  ['  all stored | all acks (ms)', (x) => x.summary.storedMs],
  ['  every receipt stored and acked (ms)', (x) => x.summary.doneMs],
  ['  server CPU per round, POST to done (ms)', (x) => x.summary.serverCpuMs],
  ['  server CPU per round, all of it (ms)', (x) => x.summary.serverCpuMsPerRoundAll],
];

const figure = (x) =>
  x == null || Number.isNaN(x)
    ? '-'
    : Math.abs(x) >= 100
      ? String(Math.round(x))
      : Math.abs(x) >= 10
        ? String(round1(x))
        : x.toFixed(2);
const ratioOf = (a, b) => (a == null || b == null || Number.isNaN(a) || Number.isNaN(b) || !b ? null : a / b);
const shownRatio = (r) => (r == null ? '-' : `${r.toFixed(2)}x`);

function printSize({ n, workers, avisa, floor }) {
  const rows = [[`N=${n}, ${workers} receiver processes`, 'avisa', 'floor', 'ratio']];
  for (const [label, of] of SIZE_FIGURES) {
    if (!of) rows.push([label.replace('the rounds', `${avisa.rounds.length} rounds`), '', '', '']);
    else rows.push([label, figure(of(avisa)), figure(of(floor)), shownRatio(ratioOf(of(avisa), of(floor)))]);
  }
  console.log(table(rows));
}

/** The median of a few numbers, the mean of the middle two for an even count; null when none is a number. */
function middle(values) {
  const xs = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!xs.length) return null;
  const half = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[half] : (xs[half - 1] + xs[half]) / 2;
}

/**
 * Each figure's median over the pairs for both sides, and the median and range of the pairs' own ratios. `figures`
 * are `[label, of]` (a figure read alike from Avisa's result and the floor's; a label without `of` is a heading), or
 * `[label, of, ratio]` when the ratio is not Avisa's figure over the floor's (a rate: the floor's over Avisa's).
 */
function overPairs(pairs, figures) {
  return figures
    .filter(([, of]) => of)
    .map(([label, of, ratio = ratioOf]) => {
      const ratios = pairs.map((p) => ratio(of(p.avisa), of(p.floor))).filter((r) => r != null);
      return {
        label: label.trim(),
        avisa: middle(pairs.map((p) => of(p.avisa))),
        floor: middle(pairs.map((p) => of(p.floor))),
        ratio: middle(ratios),
        ratioMin: ratios.length ? Math.min(...ratios) : null,
        ratioMax: ratios.length ? Math.max(...ratios) : null,
      };
    });
}

function printRepeated({ n, pairs, figures }, what) {
  const rows = [[`N=${n}, ${what}, medians of ${pairs} pairs`, 'avisa', 'floor', 'ratio', 'ratios']];
  for (const f of figures) {
    const range = f.ratioMin == null ? '-' : `${f.ratioMin.toFixed(2)}-${f.ratioMax.toFixed(2)}`;
    rows.push([f.label, figure(f.avisa), figure(f.floor), shownRatio(f.ratio), range]);
  }
  console.log(table(rows));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
