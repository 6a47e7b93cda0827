import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@avisa/migrations';

describe('migration OpenDeliveriesByState', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-migration-'));
  const database = join(dir, 'avisa.sqlite');
  const indexes = async (db: DataSource) =>
    (await db.query(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'
         AND name IN ('idx_deliveries_state', 'idx_deliveries_open_by_state')`,
    )) as { name: string; sql: string }[];

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes open copies only by state, keeping the rows; down indexes every copy by state again', async () => {
    const db = await new DataSource({ type: 'better-sqlite3', database, migrations: MIGRATIONS }).initialize();
    await db.runMigrations();
    expect(await indexes(db)).toEqual([
      { name: 'idx_deliveries_open_by_state', sql: expect.stringMatching(/WHERE state IN \('queued', 'sent'\)$/) },
    ]);
    await db.query(`INSERT INTO messages (id, sender_kind, sender_name, sender_display, target_kind, text, priority,
        ttl_seconds, created_at, expires_at, recipient_count)
      VALUES ('m1', 'user', 'ana', 'Ana', 'all', 'x', 'normal', 60, 0, 1, 2)`);
    await db.query(`INSERT INTO deliveries (message_id, receiver_name, state, created_at, expires_at)
      VALUES ('m1', 'norte', 'sent', 0, 1), ('m1', 'sur', 'read', 0, 1)`);

    await db.undoLastMigration();
    expect(await indexes(db)).toEqual([{ name: 'idx_deliveries_state', sql: expect.not.stringMatching(/WHERE/) }]);
    expect(await db.query('SELECT receiver_name, state FROM deliveries ORDER BY receiver_name')).toEqual([
      { receiver_name: 'norte', state: 'sent' },
      { receiver_name: 'sur', state: 'read' },
    ]);
    await db.destroy();
  });
});
