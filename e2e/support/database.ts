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
