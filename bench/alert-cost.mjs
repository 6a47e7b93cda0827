/* global process, console, setTimeout, URL */
/* eslint-disable no-restricted-properties -- the bench is not the server: it sets the server's environment */
// node bench/alert-cost.mjs [--seconds 8] [--concurrency 16] [--repeat 2] [--build DIR]
// Where an alert to an offline site spends the server's CPU, measured in one process: the built server started here
// (its database, logs and certificate in a scratch folder, every module as shipped, listening on 127.0.0.1), with
// 100 sites that never connect. Its CPU is this process's (process.cpuUsage(): SQLite, the log files and libuv's
// threads included) over --seconds after 3 s of warm-up, per alert, with the commits counted beside it.
//   direct — MessagingService.send called in this process, --concurrency alerts in flight: the alert's own work;
//   https  — the same alerts as POST /api/v1/messages from a load process of its own (bench/alert-cost-load.mjs),
//            keep-alive, --concurrency in flight: the whole request;
// each first as shipped, then with one part left out (message.created's listeners, the audit entry, the acciones.log
// line, storing the alert; over HTTPS also the validation pipe and the whole send), and a GET /api/v1/health and a
// GET /api/v1/auth/me with the same token for comparison. A part's cost is the difference; request-cost.mjs cannot
// separate them from the HTTP stack and the sockets. With --repeat above 1, each measurement's median and range over
// the rounds close the output.
// --build names another build's dist/apps/server/apps/server/src, to compare two builds on the same machine.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, buildConnector, request } from 'undici';
import { arg, fmt, median, TEXT } from './harness.mjs';

const seconds = Number(arg('seconds', 'BENCH_ALERT_SECONDS', 8));
const concurrency = Number(arg('concurrency', 'BENCH_ALERT_CONCURRENCY', 16));
const repeat = Number(arg('repeat', 'BENCH_ALERT_REPEAT', 2));
// --only 'https: as shipped,direct': only the measurements whose "way: part" contains one of these texts.
const only = String(arg('only', 'BENCH_ALERT_ONLY', ''))
  .split(',')
  .filter(Boolean);
const build = arg('build', 'BENCH_BUILD', new URL('../dist/apps/server/apps/server/src', import.meta.url).pathname);
const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const ADMIN_PASSWORD = 'Alert-cost-bench-Pw!2026';

const dir = mkdtempSync(join(tmpdir(), 'avisa-alert-cost-'));
Object.assign(process.env, {
  AVISA_HOST: '127.0.0.1',
  AVISA_PORT: '0',
  AVISA_ADMIN_PASSWORD: ADMIN_PASSWORD,
  AVISA_DATA_DIR: join(dir, 'data'),
  AVISA_LOG_DIR: join(dir, 'logs'),
  AVISA_CERTS_DIR: join(dir, 'certs'),
  AVISA_SEND_LIMIT_PER_MINUTE: '100000000',
  AVISA_LOG_LEVEL: 'info',
});
const { createApp } = require(join(build, 'main.js'));
const { readEnvironment } = require(join(build, 'config/environment.js'));
const { MessagingService } = require(join(build, 'messaging/messaging.service.js'));
const { MessagesRepository } = require(join(build, 'messaging/messages.repository.js'));
const { ReceiversService } = require(join(build, 'receivers/receivers.service.js'));
const { EventBus } = require(join(build, 'common/events/event-bus.js'));
const { AuditService } = require(join(build, 'audit/audit.service.js'));
const { ActionsLog } = require(join(build, 'audit/actions-log.js'));
// The build's own copy of Nest, whose pipe the server runs (another --build may resolve another).
const { ValidationPipe } = createRequire(join(build, 'main.js'))('@nestjs/common');

// Each commit is a disk sync under `synchronous = FULL`; counted as the throughput scenario counts them.
const { commits } = require('./commit-count.cjs');

const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const app = await createApp(readEnvironment());
await app.listen(0, '127.0.0.1');
const base = `https://127.0.0.1:${app.getHttpServer().address().port}`;
const ca = readFileSync(join(dir, 'certs', 'server.crt'), 'utf8');
const client = new Agent({ connect: buildConnector({ ca }) });
let loader = null;
try {
  const receivers = app.get(ReceiversService);
  const names = Array.from({ length: 100 }, (_, i) => `cost-${String(i).padStart(3, '0')}`);
  for (const name of names) await receivers.create({ name }, { kind: 'system', id: null, name: 'system', ip: null });
  const messaging = app.get(MessagingService);
  const principal = { kind: 'token', tokenId: 1, name: 'bench', scopes: ['messages:send', 'read'] };
  const actor = { kind: 'token', id: 1, name: 'token:bench', ip: '127.0.0.1' };
  const token = await apiToken();
  loader = fork(join(HERE, 'alert-cost-load.mjs'), [base, join(dir, 'certs', 'server.crt'), token]);

  /** `concurrency` alerts in flight for `ms`, sent by calling the service in this process. */
  async function direct(ms) {
    let done = 0;
    const until = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          await messaging.send(
            { target: { kind: 'receiver', name: names[done % names.length] }, text: TEXT },
            principal,
            actor,
          );
          done += 1;
        }
      }),
    );
    return { done, statuses: {} };
  }

  /** The same, each a POST /api/v1/messages over HTTPS from the load process (or its `kind` of request). */
  const overHttps = (kind) => (ms) =>
    new Promise((resolve) => {
      loader.once('message', resolve);
      loader.send({ kind, ms, concurrency, sites: names });
    });

  async function measure(run) {
    await run(3000);
    const commits0 = commits();
    const since = process.cpuUsage();
    const { done, statuses } = await run(seconds * 1000);
    // What the requests left (a log line waiting for its turn, a commit) is done before the CPU is read.
    await pause(50);
    return {
      done,
      statuses,
      ms: cpuMs(since) / done,
      commits: (commits() - commits0) / done,
      heapMb: process.memoryUsage().heapUsed / 1e6,
    };
  }

  const events = app.get(EventBus);
  const messages = app.get(MessagesRepository);
  const audit = app.get(AuditService);
  const actionsLog = app.get(ActionsLog);
  const stub = (object, method, replacement) => () => {
    const original = object[method];
    object[method] = replacement;
    return () => (object[method] = original);
  };
  const parts = {
    'as shipped': () => () => {},
    "without message.created's listeners (the operators' live push)": stub(events, 'emit', async () => {}),
    "without the audit entry (its row in the alert's commit, its acciones.log line)": stub(audit, 'along', () => ({
      write: async () => undefined,
      committed: () => undefined,
    })),
    'without the acciones.log line': stub(actionsLog, 'write', () => {}),
    'without storing the alert (its row, its copy and its audit row, their commit)': stub(
      messages,
      'insertAccepted',
      async () => {},
    ),
  };
  const ways = [
    ['direct', direct, parts],
    [
      'https',
      overHttps('alert'),
      {
        ...parts,
        // The body reaches the controller as parsed: untrimmed, not an instance of SendMessageDto (the bench's is clean).
        'without the validation pipe (class-transformer and class-validator)': stub(
          ValidationPipe.prototype,
          'transform',
          async (value) => value,
        ),
        'the route answering at once (MessagingService.send does nothing)': stub(messaging, 'send', async () => ({
          id: '0',
          online: [],
          queued: [],
          dropped: [],
          unknown: [],
        })),
      },
    ],
    ['https', overHttps('health'), { 'GET /api/v1/health': () => () => {} }],
    ['https', overHttps('me'), { 'GET /api/v1/auth/me (the same API token checked, no body)': () => () => {} }],
  ];
  // Each measurement's µs per alert over the rounds: one round moves with whatever else the machine does meanwhile.
  const rounds = new Map();
  for (let r = 0; r < repeat; r++) {
    for (const [way, run, leaveOut] of ways) {
      for (const [name, apply] of Object.entries(leaveOut)) {
        const key = `${way}: ${name}`;
        if (only.length && !only.some((text) => key.includes(text))) continue;
        const restore = apply();
        try {
          const m = await measure(run);
          rounds.set(key, [...(rounds.get(key) ?? []), m.ms * 1000]);
          const statuses = Object.keys(m.statuses).length ? `  |  ${JSON.stringify(m.statuses)}` : '';
          console.log(
            `${way}: ${name}  |  ${fmt(m.done)}  |  ${(m.ms * 1000).toFixed(1)} µs of CPU each  |  ${m.commits.toFixed(2)} commits each  |  heap ${m.heapMb.toFixed(0)} MB${statuses}`,
          );
        } finally {
          restore();
        }
      }
    }
  }
  if (repeat > 1) {
    console.log(`\nµs of CPU per alert over ${repeat} rounds: median (lowest–highest)`);
    for (const [key, values] of rounds) {
      const range = `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
      console.log(`${key}  |  ${median(values).toFixed(1)} (${range})`);
    }
  }
} finally {
  loader?.kill();
  await client.close();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}

/** An API token that may send alerts, made through the API as a script's would be. */
async function apiToken() {
  const call = async (path, body, bearer) => {
    const headers = { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
    const res = await request(base + path, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: client });
    const answer = await res.body.json();
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(answer)}`);
    return answer;
  };
  const { token: admin } = await call('/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
  const { token } = await call('/api/v1/api-tokens', { name: 'bench', scopes: ['messages:send', 'read'] }, admin);
  return token;
}
