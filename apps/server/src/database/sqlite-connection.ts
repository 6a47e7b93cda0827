import { QueryFailedError, type DataSource, type QueryRunner } from 'typeorm';
import { SqliteRunner, SqliteStatement, sqliteDriverParts } from './typeorm-internals';
import { DatabaseHealth } from './database-faults';

/** A promise and its resolve function (Promise.withResolvers needs Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

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
 * So every use of the connection gets a query runner of its own (sharing the one statement cache), one transaction
 * at a time owns the connection, statements from any other runner wait until it ends, and after a failure the
 * connection is rolled back for real, so the next write starts clean. Failures and commits are told to the health
 * check. Inside a transaction, use only its EntityManager: a statement through another runner would wait for the
 * transaction that waits for it.
 *
 * A statement through `dataSource.query` while no transaction owns or waits for the connection (most of the hot
 * lookups: tokens, sites, receipts), and one of the transaction that owns it, runs at once on the connection, through
 * the same statement cache, as the ORM's runner would run it but without its per-call runner, events and promise hops.
 */
export function guardSqliteConnection(dataSource: DataSource, health: DatabaseHealth): void {
  const driver = dataSource.driver;
  const { shared, Runner: Base, raw, useRunners, statementCacheSize } = sqliteDriverParts(dataSource);
  // One transaction owns the connection at a time; statements of other runners run only when none does (each
  // of them is a transaction of its own then). A transaction waiting to start holds back new statements, so a
  // steady stream of them cannot starve it.
  let owner: SqliteRunner | undefined;
  let statements = 0;
  let waiting = 0;
  let changed = signal();
  const notify = () => {
    const was = changed;
    changed = signal();
    was.resolve();
  };
  const enterStatement = async () => {
    while (owner !== undefined || waiting > 0) await changed.promise;
    statements++;
  };
  const leaveStatement = () => {
    statements--;
    if (statements === 0 && waiting > 0) notify();
  };
  const acquire = async (runner: SqliteRunner) => {
    waiting++;
    try {
      while (owner !== undefined || statements > 0) await changed.promise;
    } finally {
      waiting--;
    }
    owner = runner;
  };
  const release = (runner: SqliteRunner) => {
    if (owner !== runner) return;
    owner = undefined;
    notify();
  };
  /** Leaves the connection outside any transaction, whatever SQLite or TypeORM think happened. */
  const reset = (runner: SqliteRunner) => {
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

  const statement = (sql: string): SqliteStatement => {
    const cache = shared.stmtCache as Map<string, SqliteStatement>;
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = raw.prepare(sql);
      cache.set(sql, stmt);
      // The ORM's runner keeps its cache the same way: first in, first out.
      while (cache.size > statementCacheSize) cache.delete(cache.keys().next().value!);
    }
    return stmt;
  };
  /** Runs one statement now, answering what the ORM's runner answers: the rows, or the new row's id. */
  const runNow = (sql: string, parameters: readonly unknown[] | undefined): unknown => {
    const params = (parameters ?? []).map((p) => (typeof p === 'boolean' ? Number(p) : p));
    try {
      const stmt = statement(sql);
      return stmt.reader ? stmt.all(...params) : stmt.run(...params).lastInsertRowid;
    } catch (error) {
      dataSource.logger.logQueryError(error as Error, sql, params);
      throw new QueryFailedError(sql, params, error as Error);
    }
  };
  const ormQuery = dataSource.query.bind(dataSource);
  dataSource.query = <T = unknown>(sql: string, parameters?: unknown[], runner?: QueryRunner): Promise<T> => {
    if (runner || owner !== undefined || waiting > 0) return ormQuery<T>(sql, parameters, runner);
    try {
      const result = runNow(sql, parameters) as T;
      if (WRITE.test(sql)) health.succeeded();
      return Promise.resolve(result);
    } catch (error) {
      health.failed(error);
      return Promise.reject(error);
    }
  };

  class GuardedRunner extends Base {
    constructor() {
      super(driver);
      this.stmtCache = shared.stmtCache;
    }

    override async startTransaction(isolation?: Parameters<QueryRunner['startTransaction']>[0]): Promise<void> {
      if (this.transactionDepth > 0) return super.startTransaction(isolation);
      await acquire(this);
      try {
        await super.startTransaction(isolation);
      } catch (error) {
        reset(this);
        release(this);
        throw error;
      }
    }

    override async commitTransaction(): Promise<void> {
      if (this.transactionDepth > 1) return super.commitTransaction();
      try {
        await super.commitTransaction();
        health.succeeded();
      } catch (error) {
        health.failed(error);
        reset(this);
        throw error;
      } finally {
        if (!this.isTransactionActive) release(this);
      }
    }

    override async rollbackTransaction(): Promise<void> {
      if (!this.isTransactionActive) return;
      if (this.transactionDepth > 1 && raw.inTransaction) return super.rollbackTransaction();
      try {
        if (raw.inTransaction) await super.rollbackTransaction();
      } finally {
        reset(this);
        release(this);
      }
    }

    override async query(...args: Parameters<QueryRunner['query']>): Promise<never> {
      const inside = owner === this;
      if (!inside) await enterStatement();
      try {
        // The ORM asks its own updates and deletes for a structured result: those are left to it.
        const [sql, params, structured] = args as unknown as [string, unknown[] | undefined, boolean | undefined];
        const result = (inside && !structured ? runNow(sql, params) : await super.query(...args)) as never;
        if (!inside && WRITE.test(args[0])) health.succeeded();
        return result;
      } catch (error) {
        health.failed(error);
        throw error;
      } finally {
        if (!inside) leaveStatement();
      }
    }
  }

  useRunners(() => new GuardedRunner());
}
