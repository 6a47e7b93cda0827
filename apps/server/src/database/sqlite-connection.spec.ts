import Database from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { DatabaseHealth } from './database-faults';
import { guardSqliteConnection } from './sqlite-connection';
import { sqliteDriverParts } from './typeorm-internals';

/** Against TypeORM's real better-sqlite3 driver: this spec fails if the runner internals the guard repairs change. */
describe('guardSqliteConnection', () => {
  let dataSource: DataSource;
  let dispose: () => Promise<void>;
  let health: DatabaseHealth;

  const committed = (): number[] => {
    const reader = new Database(dataSource.options.database as string, { readonly: true });
    try {
      return (reader.prepare('SELECT n FROM probe ORDER BY n').all() as { n: number }[]).map((r) => r.n);
    } finally {
      reader.close();
    }
  };
  const raw = () => sqliteDriverParts(dataSource).raw;

  beforeEach(async () => {
    ({ dataSource, dispose } = await createTestDatabase());
    health = new DatabaseHealth();
    guardSqliteConnection(dataSource, health);
    await dataSource.query('CREATE TABLE probe (n INTEGER NOT NULL)');
  });
  afterEach(() => dispose());

  it('starts clean after SQLite rolled back a transaction by itself (as on a full disk at COMMIT)', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO probe (n) VALUES (1)');
        raw().exec('ROLLBACK');
      }),
    ).rejects.toThrow(/no transaction is active/);
    // Then one that fails on its own (as the next write on a full disk does), then good ones.
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO probe (n) VALUES (10)');
        throw new Error('database or disk is full');
      }),
    ).rejects.toThrow(/full/);
    await dataSource.transaction((manager) => manager.query('INSERT INTO probe (n) VALUES (2)'));
    await dataSource.query('INSERT INTO probe (n) VALUES (3)');
    expect(raw().inTransaction).toBe(false);
    expect(committed()).toEqual([2, 3]);
  });

  it('runs transactions that overlap in time one after another, so one failing takes none of the others with it', async () => {
    const results = await Promise.allSettled([
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO probe (n) VALUES (1)');
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('this one fails');
      }),
      dataSource.transaction((manager) => manager.query('INSERT INTO probe (n) VALUES (2)')),
      dataSource.query('INSERT INTO probe (n) VALUES (3)'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(committed()).toEqual([2, 3]);
  });

  it('tells the health check when a write fails on a held lock, and when writes work again', async () => {
    const other = new Database(dataSource.options.database as string);
    await dataSource.query('PRAGMA busy_timeout = 10');
    other.exec('BEGIN IMMEDIATE');
    await expect(dataSource.query('INSERT INTO probe (n) VALUES (1)')).rejects.toThrow(/locked|busy/);
    expect(health.current()?.kind).toBe('busy');
    other.exec('ROLLBACK');
    other.close();
    await dataSource.query('INSERT INTO probe (n) VALUES (2)');
    expect(health.current()).toBeUndefined();
    expect(committed()).toEqual([2]);
  });

  it('answers a statement outside any transaction as the ORM runner does: rows, the new row id, booleans as 0/1', async () => {
    const orm = dataSource.createQueryRunner();
    await expect(dataSource.query('INSERT INTO probe (n) VALUES (?)', [true])).resolves.toBe(1);
    await expect(orm.query('INSERT INTO probe (n) VALUES (?)', [false])).resolves.toBe(2);
    const read = 'SELECT rowid AS id, n FROM probe ORDER BY rowid';
    await expect(dataSource.query(read)).resolves.toEqual(await orm.query(read));
    await expect(dataSource.query(read)).resolves.toEqual([
      { id: 1, n: 1 },
      { id: 2, n: 0 },
    ]);
    await orm.release();
    const failed = dataSource.query('INSERT INTO probe (n) VALUES (NULL)');
    await expect(failed).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failed).rejects.toThrow(/NOT NULL/);
  });

  it('holds a statement back while a transaction owns the connection: it neither joins nor is lost with it', async () => {
    let insideTransaction!: () => void;
    const opened = new Promise<void>((resolve) => (insideTransaction = resolve));
    let fail!: () => void;
    const failing = dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO probe (n) VALUES (1)');
      insideTransaction();
      await new Promise<void>((resolve) => (fail = resolve));
      throw new Error('this one fails');
    });
    await opened;
    const outside = dataSource.query('INSERT INTO probe (n) VALUES (2)');
    expect(raw().inTransaction).toBe(true);
    fail();
    await expect(failing).rejects.toThrow(/fails/);
    await outside;
    expect(committed()).toEqual([2]);
  });
});
