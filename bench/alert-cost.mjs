/* global process, console, setTimeout, URL */
/* eslint-disable no-restricted-properties -- the bench is not the server: it sets the server's environment */
// node bench/alert-cost.mjs [--seconds 8] [--concurrency 16] [--repeat 2] [--build DIR]
// CPU of an alert's own work, without HTTP: the built server started in this process (its database in a scratch
// folder, every module as shipped), and MessagingService.send called directly, `--concurrency` alerts in flight, each
// to one of 100 sites that never connect. Process CPU from process.cpuUsage() over --seconds after 3 s of warm-up,
// so SQLite and the log files' writes on libuv's threads count too. Then the same with one part left out at a time
// (the audit and the other listeners of `message.created`; storing the alert), to see what each costs: the parts
// request-cost.mjs cannot separate from the HTTP stack and the sockets.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, fmt, TEXT } from './harness.mjs';

const seconds = Number(arg('seconds', 'BENCH_ALERT_SECONDS', 8));
const concurrency = Number(arg('concurrency', 'BENCH_ALERT_CONCURRENCY', 16));
const repeat = Number(arg('repeat', 'BENCH_ALERT_REPEAT', 2));
const build = arg('build', 'BENCH_BUILD', new URL('../dist/apps/server/apps/server/src', import.meta.url).pathname);
const require = createRequire(import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'avisa-alert-cost-'));
Object.assign(process.env, {
  AVISA_HOST: '127.0.0.1',
  AVISA_PORT: '0',
  AVISA_ADMIN_PASSWORD: 'alert-cost-bench-password',
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
const { AuditRepository } = require(join(build, 'audit/audit.repository.js'));
const { ActionsLog } = require(join(build, 'audit/actions-log.js'));

// Commits counted as bench/commit-count.cjs counts them: each is a disk sync under `synchronous = FULL`.
let commits = 0;
const Database = require('better-sqlite3');
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql, ...rest) {
  const stmt = prepare.call(this, sql, ...rest);
  if (typeof sql === 'string' && /^\s*(COMMIT|END)\b/i.test(sql)) {
    const run = stmt.run;
    stmt.run = function (...args) {
      commits += 1;
      return run.apply(this, args);
    };
  }
  return stmt;
};

const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const app = await createApp(readEnvironment());
await app.init();
try {
  const receivers = app.get(ReceiversService);
  const names = Array.from({ length: 100 }, (_, i) => `cost-${String(i).padStart(3, '0')}`);
  for (const name of names) await receivers.create({ name }, { kind: 'system', id: null, name: 'system', ip: null });
  const messaging = app.get(MessagingService);
  const principal = { kind: 'token', tokenId: 1, name: 'bench', scopes: ['messages:send', 'read'] };
  const actor = { kind: 'token', id: 1, name: 'token:bench', ip: '127.0.0.1' };

  async function load(ms) {
    let done = 0;
    const commits0 = commits;
    const until = Date.now() + ms;
    const since = process.cpuUsage();
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
    // What the alerts left on libuv's threads (the log files' writes) finishes.
    await pause(200);
    return { done, ms: cpuMs(since) / done, commits: (commits - commits0) / done };
  }

  const events = app.get(EventBus);
  const messages = app.get(MessagesRepository);
  const audit = app.get(AuditRepository);
  const actionsLog = app.get(ActionsLog);
  const parts = {
    'as shipped': () => () => {},
    "without message.created's listeners (audit row, acciones.log line)": () => {
      const emit = events.emit;
      events.emit = async () => {};
      return () => (events.emit = emit);
    },
    'without the audit row (the acciones.log line kept)': () => {
      const add = audit.add;
      audit.add = async () => {};
      return () => (audit.add = add);
    },
    'without the acciones.log line': () => {
      const write = actionsLog.write;
      actionsLog.write = () => {};
      return () => (actionsLog.write = write);
    },
    'without storing the alert (its row and its copy, their commit)': () => {
      const insert = messages.insertAccepted;
      messages.insertAccepted = async () => {};
      return () => (messages.insertAccepted = insert);
    },
  };
  for (let r = 0; r < repeat; r++) {
    for (const [name, leaveOut] of Object.entries(parts)) {
      const restore = leaveOut();
      try {
        await load(3000);
        const m = await load(seconds * 1000);
        console.log(
          `${name}  |  ${fmt(m.done)} alerts  |  ${(m.ms * 1000).toFixed(1)} µs of CPU per alert  |  ${m.commits.toFixed(2)} commits per alert`,
        );
      } finally {
        restore();
      }
    }
  }
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
