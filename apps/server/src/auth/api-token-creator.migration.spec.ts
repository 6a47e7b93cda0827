import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@avisa/migrations';

describe('migration ApiTokenCreator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-migration-'));
  const database = join(dir, 'avisa.sqlite');
  const open = (migrations: typeof MIGRATIONS) =>
    new DataSource({ type: 'better-sqlite3', database, migrations }).initialize();

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("links each existing token to its creator's account by name, and leaves tokens of a deleted creator unlinked", async () => {
    const before = await open(MIGRATIONS.filter((m) => m.name !== 'ApiTokenCreator1763880000000'));
    await before.runMigrations();
    await before.query(
      `INSERT INTO users (username, display_name, role, enabled, builtin, password_hash, created_at, updated_at)
       VALUES ('admin', 'admin', 'admin', 1, 1, 'x', 0, 0), ('jefa', 'jefa', 'admin', 0, 0, 'x', 0, 0)`,
    );
    await before.query(
      `INSERT INTO api_tokens (name, token_hash, prefix, scopes, created_by, created_at)
       VALUES ('zabbix', 'h1', 'avt_1', 'read', 'admin', 0), ('erp', 'h2', 'avt_2', 'read', 'jefa', 0),
              ('cron', 'h3', 'avt_3', 'read', 'antiguo', 0)`,
    );
    await before.destroy();

    const after = await open(MIGRATIONS);
    expect(await after.runMigrations()).toHaveLength(1);
    expect(await after.query('SELECT name, created_by, created_by_id FROM api_tokens ORDER BY id')).toEqual([
      { name: 'zabbix', created_by: 'admin', created_by_id: 1 },
      { name: 'erp', created_by: 'jefa', created_by_id: 2 },
      { name: 'cron', created_by: 'antiguo', created_by_id: null },
    ]);
    await after.undoLastMigration();
    expect((await after.query('PRAGMA table_info(api_tokens)')).map((c: { name: string }) => c.name)).not.toContain(
      'created_by_id',
    );
    await after.destroy();
  });
});
