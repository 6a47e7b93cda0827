import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { DeliveryEntity } from '../messaging/message.entity';
import { ApiTokenEntity } from '../auth/api-token.entity';
import { columnCodecs, sqliteDriverParts, tableName } from './typeorm-internals';

/** Fails when a TypeORM upgrade changes what EntityStatements and the SQLite connection guard rely on. */
describe('TypeORM internals Avisa relies on', () => {
  let dataSource: DataSource;
  let dispose: () => Promise<void>;

  beforeAll(async () => ({ dataSource, dispose } = await createTestDatabase()));
  afterAll(() => dispose());

  it('converts column values both ways as the ORM does: bigint times as numbers, booleans, string arrays', () => {
    const deliveries = new Map(columnCodecs(dataSource, DeliveryEntity).map((c) => [c.property, c]));
    expect(deliveries.get('id')).toMatchObject({ name: 'id', escaped: '"id"', generated: true });
    expect(deliveries.get('createdAt')).toMatchObject({ name: 'created_at', generated: false });
    expect(deliveries.get('createdAt')!.fromDatabase('1764000000000')).toBe(1_764_000_000_000);
    expect(deliveries.get('flagged')!.toDatabase(true)).toBe(1);
    expect(deliveries.get('flagged')!.fromDatabase(0)).toBe(false);
    const scopes = columnCodecs(dataSource, ApiTokenEntity).find((c) => c.property === 'scopes')!;
    expect(scopes.fromDatabase(scopes.toDatabase(['read', 'messages:send']))).toEqual(['read', 'messages:send']);
    expect(tableName(dataSource, DeliveryEntity)).toBe('"deliveries"');
  });

  it('shares one query runner for the whole SQLite connection, with the flags and cache the guard repairs', () => {
    const driver = dataSource.driver;
    const { shared, Runner, raw } = sqliteDriverParts(dataSource);
    expect(driver.createQueryRunner('master')).toBe(shared);
    expect(shared.transactionDepth).toBe(0);
    expect(shared.isTransactionActive).toBe(false);
    expect(shared.stmtCache).toBeInstanceOf(Map);
    expect(new Runner(driver).stmtCache).toBeInstanceOf(Map);
    expect(raw.inTransaction).toBe(false);
    // The size the runner was given (createTestDatabase leaves TypeORM's default).
    expect(sqliteDriverParts(dataSource).statementCacheSize).toBe(100);
    const stmt = raw.prepare('SELECT 1 AS one');
    expect(stmt.reader).toBe(true);
    expect(stmt.all()).toEqual([{ one: 1 }]);
  });

  it('writes numbers into the SQL text of ORM queries on SQLite (why the hot statements are written by hand)', () => {
    const [text] = dataSource.driver.escapeQueryWithParameters('SELECT * FROM t WHERE id = :id', { id: 42 });
    expect(text).toBe('SELECT * FROM t WHERE id = 42');
  });
});
