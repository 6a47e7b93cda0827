import { DataSource } from 'typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@avisa/migrations';

describe('migration SiteDetails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-migration-'));
  const database = join(dir, 'avisa.sqlite');
  const open = (migrations: typeof MIGRATIONS) =>
    new DataSource({ type: 'better-sqlite3', database, migrations }).initialize();
  const columns = async (db: DataSource, table: string) =>
    ((await db.query(`PRAGMA table_info(${table})`)) as { name: string }[]).map((c) => c.name);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the support details to sites, and shows existing groups and tokens by their key; down removes them', async () => {
    const before = await open(MIGRATIONS.filter((m) => m.name !== 'SiteDetails1763980000000'));
    await before.runMigrations();
    await before.query(
      `INSERT INTO receivers (name, display_name, enabled, key_hash, created_at, updated_at)
       VALUES ('farmacia-1', 'Farmacia 1', 1, 'h', 0, 0)`,
    );
    await before.query(`INSERT INTO groups (name, created_at, updated_at) VALUES ('zona norte', 0, 0)`);
    await before.query(
      `INSERT INTO api_tokens (name, token_hash, prefix, scopes, created_by, created_at)
       VALUES ('zabbix', 'h1', 'avt_1', 'read', 'admin', 0)`,
    );
    await before.destroy();

    const after = await open(MIGRATIONS);
    expect(await after.runMigrations()).toHaveLength(1);
    expect(
      await after.query('SELECT name, display_name, postal_address, phone, region, tags, notes FROM receivers'),
    ).toEqual([
      {
        name: 'farmacia-1',
        display_name: 'Farmacia 1',
        postal_address: null,
        phone: null,
        region: null,
        tags: null,
        notes: null,
      },
    ]);
    expect(await after.query('SELECT name, display_name FROM groups')).toEqual([
      { name: 'zona norte', display_name: 'zona norte' },
    ]);
    expect(await after.query('SELECT name, display_name FROM api_tokens')).toEqual([
      { name: 'zabbix', display_name: 'zabbix' },
    ]);

    await after.undoLastMigration();
    const siteColumns = await columns(after, 'receivers');
    for (const gone of ['postal_address', 'phone', 'region', 'tags', 'notes']) expect(siteColumns).not.toContain(gone);
    expect(await columns(after, 'groups')).not.toContain('display_name');
    expect(await columns(after, 'api_tokens')).not.toContain('display_name');
    expect(await after.query('SELECT name FROM receivers')).toEqual([{ name: 'farmacia-1' }]);
    await after.destroy();
  });
});
