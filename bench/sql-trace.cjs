/* global require, process, console */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node -r), loaded before the server */
// Preloaded into the Avisa server by the bench only (never by the product):
//   BENCH_SERVER_NODE_OPTIONS="-r /abs/path/bench/sql-trace.cjs" node bench/run.mjs …
// Counts and times every SQLite statement the server prepares and runs (better-sqlite3 is synchronous, so the
// time of run/get/all is the statement's own time, fsync at COMMIT included), grouped by SQL text with IN-lists
// and literals folded. SIGWINCH writes what was counted so far to $TMPDIR/avisa-sql-trace-<pid>-<k>.json and
// starts counting again (the bench sends it when a measured phase starts and ends, and puts a summary of the
// phase in its JSON); on a normal exit the rest is written to $TMPDIR/avisa-sql-trace-<pid>-end.json (not when
// the server ends by a signal, as Nest's shutdown hooks re-raise it).
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const Database = require('better-sqlite3');

let stats = new Map(); // normalized sql -> { calls, ns, prepares, prepareNs, rows }
let since = Date.now();
const normalize = (sql) =>
  sql
    .replace(/\s+/g, ' ')
    .replace(/\(\s*\?(\s*,\s*\?)*\s*\)/g, '(?…)')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b\d+\b/g, 'N')
    .replace(/\(N(, N)*\)/g, '(N…)')
    .trim()
    .slice(0, 300);
// Folding a statement's text costs far more than most statements take to run: done once per text, and never
// inside the timed span (it was, until 2026-12-04, which inflated every long statement's time).
const keys = new Map();
const keyOf = (sql) => {
  let key = keys.get(sql);
  if (key === undefined) {
    key = normalize(sql);
    if (keys.size < 10_000) keys.set(sql, key);
  }
  return key;
};
const entry = (sql) => {
  const key = keyOf(sql);
  let e = stats.get(key);
  if (!e) {
    e = { calls: 0, ns: 0, prepares: 0, prepareNs: 0, rows: 0 };
    stats.set(key, e);
  }
  return e;
};

let patched = false;
function patchStatement(proto) {
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function (...args) {
      const t = process.hrtime.bigint();
      try {
        const result = original.apply(this, args);
        const ns = Number(process.hrtime.bigint() - t);
        const e = entry(this.source);
        e.calls++;
        e.ns += ns;
        if (Array.isArray(result)) e.rows += result.length;
        else if (result && typeof result.changes === 'number') e.rows += result.changes;
        return result;
      } catch (error) {
        const ns = Number(process.hrtime.bigint() - t);
        const e = entry(this.source);
        e.calls++;
        e.ns += ns;
        throw error;
      }
    };
  }
}

// Statements whose program opens a temporary B-tree or sorter (OpenEphemeral, SorterOpen: IN lists, RETURNING,
// ORDER BY or GROUP BY without an index). Each run of such a statement gives its temporary B-tree a page cache of
// its own, allocated in one block of ~85 KB: with the deployment's MALLOC_MMAP_THRESHOLD_=65536 that block is a
// fresh mmap, its page faults and a munmap every time (0.27 ms against 0.01 without the setting, measured).
const temps = new Map(); // normalized sql -> the temporary structures its program opens ('' for none)
const TEMP_OPCODES = /^(OpenEphemeral|SorterOpen|OpenAutoindex)$/;
const tempStructures = (db, sql) => {
  try {
    // EXPLAIN needs every parameter bound; NULL in their place gives the same program.
    const ops = prepare.call(db, `EXPLAIN ${sql.replace(/\?\d*/g, 'NULL')}`).all();
    return [...new Set(ops.map((o) => o.opcode).filter((o) => TEMP_OPCODES.test(o)))].join(',');
  } catch {
    return '';
  }
};

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (sql, ...rest) {
  const t = process.hrtime.bigint();
  const stmt = prepare.call(this, sql, ...rest);
  const ns = Number(process.hrtime.bigint() - t);
  const e = entry(sql);
  const key = keyOf(sql);
  if (!temps.has(key)) temps.set(key, tempStructures(this, sql));
  e.prepares++;
  e.prepareNs += ns;
  if (!patched) {
    patched = true;
    patchStatement(Object.getPrototypeOf(stmt));
  }
  return stmt;
};

function dump(suffix) {
  const file = join(tmpdir(), `avisa-sql-trace-${process.pid}-${suffix}.json`);
  const rows = [...stats].map(([sql, e]) => ({
    sql,
    ...e,
    temp: temps.get(sql) ?? '',
    ms: e.ns / 1e6,
    prepareMs: e.prepareNs / 1e6,
  }));
  rows.sort((a, b) => b.ms + b.prepareMs - (a.ms + a.prepareMs));
  const until = Date.now();
  writeFileSync(file, JSON.stringify({ since, until, seconds: (until - since) / 1000, rows }, null, 1));
  console.error(`sql-trace: ${file}`);
  stats = new Map();
  since = until;
}
let snapshots = 0;
process.on('SIGWINCH', () => dump(String(++snapshots)));
process.on('exit', () => dump('end'));
