/* global require, process, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node -r), loaded before the server */
// Preloaded into the Avisa server by the throughput scenario (never by the product), unless bench/sql-trace.cjs is
// (which counts them among every other statement): counts the transactions the server commits, each one disk sync
// under `synchronous = FULL`. Only the COMMIT statements are wrapped, so no other statement pays for the count.
// SIGWINCH writes the count since the last one to $TMPDIR/avisa-sql-trace-<pid>-<k>.json in the SQL trace's shape
// (one row), which the bench's sqlTraceMark reads.
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const Database = require('better-sqlite3');

const COMMIT = /^\s*(COMMIT|END)\b/i;
let commits = 0;
let since = Date.now();

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql, ...rest) {
  const stmt = prepare.call(this, sql, ...rest);
  if (typeof sql === 'string' && COMMIT.test(sql)) {
    for (const method of ['run', 'all', 'get']) {
      const original = stmt[method];
      stmt[method] = function (...args) {
        const result = original.apply(this, args);
        commits++;
        return result;
      };
    }
  }
  return stmt;
};
const exec = Database.prototype.exec;
Database.prototype.exec = function (sql, ...rest) {
  const result = exec.call(this, sql, ...rest);
  if (typeof sql === 'string' && COMMIT.test(sql)) commits++;
  return result;
};

let snapshots = 0;
process.on('SIGWINCH', () => {
  const until = Date.now();
  const row = { sql: 'COMMIT', calls: commits, ns: 0, prepares: 0, prepareNs: 0, rows: 0, ms: 0, prepareMs: 0 };
  const file = join(tmpdir(), `avisa-sql-trace-${process.pid}-${++snapshots}.json`);
  writeFileSync(
    file,
    JSON.stringify({ since, until, seconds: (until - since) / 1000, commitsOnly: true, rows: [row] }),
  );
  commits = 0;
  since = until;
});

/** The commits counted since the start or the last SIGWINCH, for a bench that loads this module in its own process. */
module.exports = { commits: () => commits };
