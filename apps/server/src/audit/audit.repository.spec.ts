import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { AuditEventEntity, AuditReadMarkerEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';

describe('AuditRepository on a real SQLite file', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let repository: AuditRepository;
  const day = Date.parse('2026-11-20T12:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    repository = new AuditRepository(
      db.dataSource.getRepository(AuditEventEntity),
      db.dataSource.getRepository(AuditReadMarkerEntity),
      db.dataSource,
    );
    const rows: [number, string, string, string | null, object][] = [
      [day, 'admin', 'user.created', 'marin', { role: 'operator' }],
      [day + 3_600_000, 'admin', 'user.role.changed', 'marin', { from: 'operator', to: 'admin' }],
      [day + 86_400_000, 'jefa', 'api-token.created', 'zabbix', { scopes: ['read'] }],
      [day + 2 * 86_400_000, 'jefa', 'user.created', '100%_real', {}],
    ];
    for (const [at, actorName, action, target, details] of rows) {
      await repository.insertMany([
        {
          at,
          actorKind: 'user',
          actorName,
          action,
          target,
          ip: '10.1.1.1',
          details: JSON.stringify(details),
        },
      ]);
    }
  });

  afterAll(() => db.dispose());

  const search = (filter: Partial<Parameters<AuditRepository['search']>[0]>) =>
    repository.search({ offset: 0, limit: 50, ...filter });

  it('lists newest first with the total', async () => {
    const { items, total } = await search({});
    expect(total).toBe(4);
    expect(items.map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });

  it('pages', async () => {
    const { items, total } = await search({ offset: 1, limit: 2 });
    expect(total).toBe(4);
    expect(items.map((e) => e.id)).toEqual([3, 2]);
  });

  it('filters by actor and by date range, bounds included', async () => {
    expect((await search({ user: 'jefa' })).total).toBe(2);
    expect((await search({ from: day + 3_600_000, to: day + 86_400_000 })).items.map((e) => e.id)).toEqual([3, 2]);
  });

  it('searches free text case-insensitively in action, target and details', async () => {
    expect((await search({ text: 'MARIN' })).total).toBe(2);
    expect((await search({ text: 'zabbix' })).total).toBe(1);
    expect((await search({ text: '"to":"admin"' })).total).toBe(1);
  });

  it('treats % and _ in the text literally', async () => {
    expect((await search({ text: '100%_' })).items.map((e) => e.target)).toEqual(['100%_real']);
    expect((await search({ text: '%' })).total).toBe(1);
  });

  it('gives the newest matching events, up to a limit, with the same filters as the search', async () => {
    expect((await repository.newest({}, 10)).map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect((await repository.newest({}, 2)).map((e) => e.id)).toEqual([4, 3]);
    const criteria = { user: 'admin', text: 'marin', from: day, to: day + 3_600_000 };
    expect((await repository.newest(criteria, 10)).map((e) => e.id)).toEqual(
      (await search(criteria)).items.map((e) => e.id),
    );
    expect((await repository.newest({ text: 'zabbix' }, 10)).map((e) => e.target)).toEqual(['zabbix']);
  });

  it('keeps one last-read marker per user', async () => {
    await db.dataSource.query(
      "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at) VALUES (1, 'admin', 'A', 'admin', 'x', 0, 0)",
    );
    expect(await repository.findMarker(1)).toBeNull();
    await repository.saveMarker({ userId: 1, lastReadId: 2, updatedAt: day });
    await repository.saveMarker({ userId: 1, lastReadId: 3, updatedAt: day + 1 });
    expect(await repository.findMarker(1)).toMatchObject({ lastReadId: 3 });
    expect(await repository.maxId()).toBe(4);
  });

  it('stores a batch of events in their order, each field as given, read back like any other event', async () => {
    const batch = Array.from({ length: 450 }, (_, i) => ({
      at: day + 10 * 86_400_000 + i,
      actorKind: 'token' as const,
      actorName: `token:script-${i % 3}`,
      action: 'message.created',
      target: i % 2 ? `site-${i}` : null,
      ip: i % 5 ? '127.0.0.1' : null,
      details: JSON.stringify({ n: i, text: 'it\'s "quoted"' }),
    }));
    await repository.insertMany(batch);
    const stored = await repository.newest({ from: day + 10 * 86_400_000 }, 1000);
    expect(stored).toHaveLength(450);
    expect(stored.reverse().map(({ id: _id, ...rest }) => rest)).toEqual(batch);
    expect(new Set(stored.map((e) => e.id)).size).toBe(450);
  });
});
