import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { databaseUrlFor, ON_POSTGRES, type TestServer } from './server';

/**
 * Reads the server's database directly, to check what was (or was not) stored: its SQLite file, or on
 * PostgreSQL its own database through psql (synchronous like better-sqlite3, so specs read the same either way).
 * `?` placeholders take the parameters on both.
 */
export function queryDb<T = Record<string, unknown>>(server: TestServer, sql: string, ...params: unknown[]): T[] {
  if (ON_POSTGRES) return queryPostgres<T>(server, sql, params);
  const db = new Database(server.path('data', 'avisa.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function countRows(server: TestServer, table: string): number {
  return Number(queryDb<{ n: number }>(server, `SELECT COUNT(*) AS n FROM ${table}`)[0].n);
}

/**
 * Rows come back as SQLite would give them: booleans as 0/1 and bigints as numbers, so a spec's
 * expectations hold on both databases.
 */
function queryPostgres<T>(server: TestServer, sql: string, params: unknown[]): T[] {
  let n = 0;
  const interpolated = sql.replace(/\?/g, () => (params[n] === null ? (n++, 'NULL') : `:'p${n++}'`));
  if (n !== params.length) throw new Error(`queryDb: ${n} placeholder(s), ${params.length} parameter(s)`);
  const script = `SELECT coalesce(json_agg(row_to_json(t)), '[]') FROM (${interpolated}) t;\n`;
  const args = [databaseUrlFor(server.dir), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'];
  params.forEach((value, i) => args.push('-v', `p${i}=${String(value)}`));
  const out = execFileSync('psql', args, { input: script, encoding: 'utf8' });
  const rows = JSON.parse(out) as Record<string, unknown>[];
  return rows.map(
    (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])) as T,
  );
}

const PLANNED_STATES: Record<string, string> = { s: 'sent', q: 'queued', e: 'expired' };

/**
 * Each site's copy of an alert as committed, by site name: its delivery row, or, for an alert to all sites or a
 * group on SQLite whose rows are not all written yet, its entry in the plan of those rows (`pending_fanouts`:
 * `names` and one state letter per site, docs/architecture.md "How an alert flows").
 */
export function storedCopies(server: TestServer, messageId: string): [site: string, state: string][] {
  const copies = new Map(
    queryDb<{ receiver_name: string; state: string }>(
      server,
      'SELECT receiver_name, state FROM deliveries WHERE message_id = ?',
      messageId,
    ).map((r): [string, string] => [r.receiver_name, r.state]),
  );
  for (const { plan } of queryDb<{ plan: string }>(
    server,
    'SELECT plan FROM pending_fanouts WHERE message_id = ?',
    messageId,
  )) {
    const { names, states } = JSON.parse(plan) as { names: string[]; states: string };
    names.forEach((name, i) => copies.has(name) || copies.set(name, PLANNED_STATES[states[i]]));
  }
  return [...copies].sort(([a], [b]) => a.localeCompare(b));
}
