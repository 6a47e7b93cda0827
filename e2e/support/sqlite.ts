import Database from 'better-sqlite3';
import type { TestServer } from './server';

/** Reads the server's SQLite file directly, to check what was (or was not) stored. */
export function queryDb<T = Record<string, unknown>>(server: TestServer, sql: string, ...params: unknown[]): T[] {
  const db = new Database(server.path('data', 'avisa.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function countRows(server: TestServer, table: string): number {
  return queryDb<{ n: number }>(server, `SELECT COUNT(*) AS n FROM ${table}`)[0].n;
}
