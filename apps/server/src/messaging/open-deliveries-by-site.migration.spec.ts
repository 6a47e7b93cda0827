import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@avisa/migrations';

describe('migration OpenDeliveriesBySite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-migration-'));
  const database = join(dir, 'avisa.sqlite');
  const indexes = async (db: DataSource) =>
    (
      (await db.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND name LIKE 'idx_%'",
      )) as { name: string; sql: string }[]
    ).filter((i) => /receiver_state|open_by_site/.test(i.name));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("indexes a site's open copies only, keeping the rows; down indexes every copy by site again", async () => {
    const db = await new DataSource({ type: 'better-sqlite3', database, migrations: MIGRATIONS }).initialize();
    await db.runMigrations();
    expect(await indexes(db)).toEqual([
      { name: 'idx_deliveries_open_by_site', sql: expect.stringMatching(/WHERE state IN \('queued', 'sent'\)$/) },
    ]);
    await db.query(`INSERT INTO messages (id, sender_kind, sender_name, sender_display, target_kind, text, priority,
        ttl_seconds, created_at, expires_at, recipient_count)
      VALUES ('m1', 'user', 'ana', 'Ana', 'all', 'x', 'normal', 60, 0, 1, 1)`);
    await db.query(`INSERT INTO deliveries (message_id, receiver_name, state, created_at, expires_at)
      VALUES ('m1', 'norte', 'queued', 0, 1)`);

    // OpenDeliveriesByState came after it.
    await db.undoLastMigration();
    await db.undoLastMigration();
    expect(await indexes(db)).toEqual([
      { name: 'idx_deliveries_receiver_state', sql: expect.not.stringMatching(/WHERE/) },
    ]);
    expect(await db.query('SELECT receiver_name, state FROM deliveries')).toEqual([
      { receiver_name: 'norte', state: 'queued' },
    ]);
    await db.destroy();
  });
});
