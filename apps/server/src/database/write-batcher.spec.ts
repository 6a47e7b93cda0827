import { jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { CommitGroup, WriteBatcher } from './write-batcher';

describe('WriteBatcher', () => {
  it('writes what arrives together in one call and settles every caller after it is stored', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 5, maxItems: 100 });
    await Promise.all([sut.add(1), sut.add(2, 3), sut.add(4)]);
    expect(writes).toEqual([[1, 2, 3, 4]]);
  });

  it('writes at once when the batch is full, and keeps batches in order', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 10_000, maxItems: 3 });
    await sut.add(1, 2, 3);
    await sut.add(4, 5, 6);
    expect(writes).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('rejects the callers of a batch that failed, and goes on with the next one', async () => {
    const write = jest.fn(async (items: number[]) => {
      if (items.includes(13)) throw new Error('disk full');
    });
    const sut = new WriteBatcher<number>(write, { delayMs: 1, maxItems: 100 });
    await expect(sut.add(13)).rejects.toThrow('disk full');
    await expect(sut.add(14)).resolves.toEqual([]);
    expect(write).toHaveBeenCalledTimes(2);
  });

  it('flush writes what waits without waiting for the delay', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number>(async (items) => void writes.push(items), { delayMs: 60_000, maxItems: 100 });
    const pending = sut.add(7);
    await sut.flush();
    await pending;
    expect(writes).toEqual([[7]]);
  });
});

describe('WriteBatcher with results', () => {
  it('gives each caller the results of its own items, in order', async () => {
    const sut = new WriteBatcher<number, string>(async (items) => items.map((n) => `row ${n}`), {
      delayMs: 5,
      maxItems: 100,
    });
    const [a, b] = await Promise.all([sut.add(1), sut.add(2, 3)]);
    expect(a).toEqual(['row 1']);
    expect(b).toEqual(['row 2', 'row 3']);
  });

  it('gives a caller of one item its own result, among callers of several, in one write', async () => {
    const writes: number[][] = [];
    const sut = new WriteBatcher<number, string>(
      async (items) => {
        writes.push(items);
        return items.map((n) => `row ${n}`);
      },
      { delayMs: 5, maxItems: 100 },
    );
    const [a, b, c] = await Promise.all([sut.addOne(1), sut.add(2, 3), sut.addOne(4)]);
    expect([a, b, c]).toEqual(['row 1', ['row 2', 'row 3'], 'row 4']);
    expect(writes).toEqual([[1, 2, 3, 4]]);
  });

  it('rejects a caller of one item when its batch fails, and counts it toward a full batch', async () => {
    const write = jest.fn(async (items: number[]) => {
      if (items.includes(13)) throw new Error('disk full');
      return items.map((n) => n * 10);
    });
    const sut = new WriteBatcher<number, number>(write, { delayMs: 60_000, maxItems: 2 });
    const failed = sut.addOne(13);
    await expect(Promise.all([failed, sut.addOne(12)])).rejects.toThrow('disk full');
    await expect(Promise.all([sut.addOne(14), sut.addOne(15)])).resolves.toEqual([140, 150]);
    expect(write).toHaveBeenCalledTimes(2);
  });
});

describe('WriteBatchers joining one CommitGroup, on a real SQLite file', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let group: CommitGroup;
  const insert = (table: string) => async (values: string[], manager: EntityManager) => {
    for (const v of values) await manager.query(`INSERT INTO ${table} (v) VALUES (?)`, [v]);
  };
  const stored = async (table: string) =>
    ((await db.dataSource.query(`SELECT v FROM ${table} ORDER BY id`)) as { v: string }[]).map((r) => r.v);

  beforeEach(async () => {
    db = await createTestDatabase();
    for (const table of ['alerts', 'entries']) {
      await db.dataSource.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`);
    }
    group = CommitGroup.for(db.dataSource);
  });
  afterEach(() => db.dispose());

  it('commits what both members have waiting in one transaction', async () => {
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    const entries = WriteBatcher.joining(group, insert('entries'), { delayMs: 2, maxItems: 100 });
    const transactions = jest.spyOn(db.dataSource, 'transaction');
    await Promise.all([alerts.add('a1'), entries.add('e1'), alerts.add('a2')]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await stored('alerts')).toEqual(['a1', 'a2']);
    expect(await stored('entries')).toEqual(['e1']);
  });

  it('writes when the member in the most hurry asks, never later', async () => {
    const patient = WriteBatcher.joining(group, insert('entries'), { delayMs: 60_000, maxItems: 100 });
    const hurried = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    const waiting = patient.add('e1');
    await hurried.add('a1');
    await waiting;
    expect(await stored('entries')).toEqual(['e1']);
  });

  it('fails only the callers of the member whose write failed; the others are committed', async () => {
    await db.dataSource.query(`INSERT INTO entries (v) VALUES ('taken')`);
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    const entries = WriteBatcher.joining(group, insert('entries'), { delayMs: 1, maxItems: 100 });
    const [alert, entry] = await Promise.allSettled([alerts.add('a1'), entries.add('e1', 'taken')]);
    expect(alert.status).toBe('fulfilled');
    expect(entry.status).toBe('rejected');
    expect(String((entry as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await stored('alerts')).toEqual(['a1']);
    expect(await stored('entries')).toEqual(['taken']);
  });

  it("a member's flush writes what the whole group has waiting", async () => {
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 60_000, maxItems: 100 });
    const entries = WriteBatcher.joining(group, insert('entries'), { delayMs: 60_000, maxItems: 100 });
    const pending = Promise.all([alerts.add('a1'), entries.add('e1')]);
    await alerts.flush();
    await pending;
    expect(await stored('entries')).toEqual(['e1']);
  });

  /** A companion that writes `v` into entries (an audit entry beside an alert). */
  const entry = (v: string) => ({
    write: (manager: EntityManager) => manager.query(`INSERT INTO entries (v) VALUES (?)`, [v]),
  });

  it("writes an item's companions in its batch's transaction, after the batch", async () => {
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    const transactions = jest.spyOn(db.dataSource, 'transaction');
    await Promise.all([alerts.addWith([entry('audit a1')], 'a1'), alerts.addWith([entry('audit a2')], 'a2')]);
    expect(transactions).toHaveBeenCalledTimes(1);
    expect(await stored('alerts')).toEqual(['a1', 'a2']);
    expect(await stored('entries')).toEqual(['audit a1', 'audit a2']);
  });

  it("leaves a companion unwritten when its batch fails, and fails the batch when the companion's write does", async () => {
    await db.dataSource.query(`INSERT INTO alerts (v) VALUES ('taken')`);
    await db.dataSource.query(`INSERT INTO entries (v) VALUES ('audit taken')`);
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    await expect(alerts.addWith([entry('audit of a failed alert')], 'taken')).rejects.toThrow(/UNIQUE/);
    await expect(alerts.addWith([entry('audit taken')], 'a1')).rejects.toThrow(/UNIQUE/);
    expect(await stored('alerts')).toEqual(['taken']);
    expect(await stored('entries')).toEqual(['audit taken']);
  });

  it("writes a batch again with its companions when another member's write failed", async () => {
    await db.dataSource.query(`INSERT INTO entries (v) VALUES ('taken')`);
    const alerts = WriteBatcher.joining(group, insert('alerts'), { delayMs: 1, maxItems: 100 });
    const entries = WriteBatcher.joining(group, insert('entries'), { delayMs: 1, maxItems: 100 });
    const [alert, failing] = await Promise.allSettled([
      alerts.addWith([entry('audit a1')], 'a1'),
      entries.add('taken'),
    ]);
    expect(alert.status).toBe('fulfilled');
    expect(failing.status).toBe('rejected');
    expect(await stored('alerts')).toEqual(['a1']);
    expect(await stored('entries')).toEqual(['taken', 'audit a1']);
  });

  it('refuses companions for a batcher outside a CommitGroup, which has no transaction to share', () => {
    const alone = new WriteBatcher(async () => undefined, { delayMs: 1, maxItems: 100 });
    expect(() => alone.addWith([entry('e')], 'a1')).toThrow(/CommitGroup/);
  });

  it('is one group per database', async () => {
    const other = await createTestDatabase();
    try {
      expect(CommitGroup.for(db.dataSource)).toBe(group);
      expect(CommitGroup.for(other.dataSource)).not.toBe(group);
    } finally {
      await other.dispose();
    }
  });
});
