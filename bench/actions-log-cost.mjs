/* global process, console, setImmediate, setTimeout, URL */
// node bench/actions-log-cost.mjs [--lines 50000] [--build DIR]
// CPU per `acciones.log` line: the built ActionsLog writing to a scratch folder, one line per turn of the event loop
// and then four per turn (the audit rows of alerts committed together), against the same turns with nothing written.
// Process CPU from process.cpuUsage(), so the file writes on libuv's threads count too. --build names another build's
// dist/apps/server/apps/server/src, to compare two builds on the same machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg } from './harness.mjs';

const lines = Number(arg('lines', 'BENCH_LOG_LINES', 50_000));
const build = arg('build', 'BENCH_BUILD', new URL('../dist/apps/server/apps/server/src', import.meta.url).pathname);
const { ActionsLog } = createRequire(import.meta.url)(join(build, 'audit/actions-log.js'));
const ACTION = 'alert.sent 0194f3a2-7d1c-7b3e-9a51-3c2d1e0f9a8b norte {"priority":"normal","sites":1} [127.0.0.1]';
const turn = () => new Promise((resolve) => setImmediate(resolve));
const cpuUs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

for (const perTurn of [1, 4]) {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-actions-log-cost-'));
  const config = { get: (key) => ({ AVISA_LOG_DIR: dir, AVISA_AUDIT_LOG_DAYS: 30 })[key] };
  const log = new ActionsLog(config);
  // Builds before 2026-12-07's evening took no time: their line was stamped when written.
  const write =
    log.write.length === 3 ? () => log.write(Date.now(), 'api:bench', ACTION) : () => log.write('api:bench', ACTION);
  try {
    // Warm-up, so V8 has compiled both loops before either is timed.
    for (let i = 0; i < 20_000; i++) {
      write();
      if (i % perTurn === 0) await turn();
    }
    const turns = lines / perTurn;
    let since = process.cpuUsage();
    for (let i = 0; i < turns; i++) await turn();
    const idle = cpuUs(since);
    since = process.cpuUsage();
    for (let i = 0; i < turns; i++) {
      for (let j = 0; j < perTurn; j++) write();
      await turn();
    }
    // The last writes finish on libuv's threads.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const busy = cpuUs(since);
    console.log(`${perTurn} line(s) per turn: ${((busy - idle) / lines).toFixed(2)} µs of CPU per line`);
  } finally {
    await log.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}
