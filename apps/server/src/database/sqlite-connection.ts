import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { DatabaseHealth } from './database-faults';

/** better-sqlite3's own handle, under TypeORM's driver. */
interface RawSqlite {
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
}

/** The fields of TypeORM's SQLite query runner that the guard repairs; TypeORM's internals stay in this file. */
type SharedRunner = QueryRunner & { transactionDepth: number; isTransactionActive: boolean };

const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;

/**
 * TypeORM gives better-sqlite3 one query runner for the whole process, and its transactions are BEGIN … COMMIT on
 * it. Two things go wrong there that lose acknowledged writes:
 *
 * - When COMMIT (or a statement) fails on a full disk or an I/O error, SQLite may already have rolled back; TypeORM's
 *   ROLLBACK then fails and the runner stays marked "in a transaction". Every later transaction becomes a SAVEPOINT
 *   inside one that never commits: writes answer success and vanish at the next restart.
 * - Statements of other requests that run while a transaction is open (between its awaits) join it, and are lost
 *   with it if it fails; a second transaction started meanwhile nests inside the first.
 *
 * So one transaction at a time owns the connection: it is owned by the async context that began it, every other
 * statement or transaction waits until it ends, and after any failure the connection is rolled back for real and
 * the runner reset, so the next write starts clean. Failures and commits are told to the health check.
 */
export function guardSqliteConnection(dataSource: DataSource, health: DatabaseHealth): void {
  const runner = dataSource.driver.createQueryRunner('master') as SharedRunner;
  const raw = (dataSource.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;
  const owner = new AsyncLocalStorage<symbol>();
  const original = {
    start: runner.startTransaction.bind(runner),
    commit: runner.commitTransaction.bind(runner),
    rollback: runner.rollbackTransaction.bind(runner),
    query: runner.query.bind(runner),
  };
  let active: symbol | undefined;
  let ended: Promise<void> = Promise.resolve();
  let end = () => {};

  const ours = () => active !== undefined && owner.getStore() === active;
  const free = async () => {
    while (active !== undefined && !ours()) await ended;
  };
  const close = () => {
    active = undefined;
    end();
  };
  /** Leaves the connection outside any transaction, whatever SQLite or TypeORM think happened. */
  const reset = () => {
    if (raw.inTransaction) {
      try {
        raw.exec('ROLLBACK');
      } catch {
        /* nothing more to undo */
      }
    }
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
  };

  runner.startTransaction = (isolation) => {
    if (ours()) return original.start(isolation);
    const token = Symbol('transaction');
    // Marks the caller's context (TypeORM's own save() included) as the owner of what it runs next.
    owner.enterWith(token);
    return (async () => {
      await free();
      active = token;
      ended = new Promise((resolve) => (end = resolve));
      try {
        await original.start(isolation);
      } catch (error) {
        reset();
        close();
        throw error;
      }
    })();
  };

  runner.commitTransaction = async () => {
    if (!ours()) throw new Error('the transaction was already rolled back after a database failure');
    if (runner.transactionDepth > 1) return original.commit();
    try {
      await original.commit();
      health.succeeded();
    } catch (error) {
      health.failed(error);
      reset();
      throw error;
    } finally {
      if (!runner.isTransactionActive) close();
    }
  };

  runner.rollbackTransaction = async () => {
    if (!ours() || !runner.isTransactionActive) return;
    if (runner.transactionDepth > 1 && raw.inTransaction) return original.rollback();
    try {
      if (raw.inTransaction) await original.rollback();
    } finally {
      reset();
      close();
    }
  };

  runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
    await free();
    try {
      const result: unknown = await original.query(...args);
      if (!raw.inTransaction && WRITE.test(args[0])) health.succeeded();
      return result;
    } catch (error) {
      health.failed(error);
      throw error;
    }
  }) as QueryRunner['query'];
}
