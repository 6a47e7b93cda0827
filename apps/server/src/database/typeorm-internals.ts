import type { DataSource, EntityTarget, QueryRunner } from 'typeorm';

/*
 * What Avisa relies on beyond TypeORM's documented API, in one place; typeorm-internals.spec.ts fails if a TypeORM
 * upgrade changes any of it.
 */

/** One column of an entity, and how a value crosses between the entity and the database (as the ORM converts it). */
export interface ColumnCodec {
  property: string;
  /** The column's name, as rows come back keyed. */
  name: string;
  /** The same, escaped for the dialect, to write into SQL. */
  escaped: string;
  generated: boolean;
  primary: boolean;
  toDatabase(value: unknown): unknown;
  fromDatabase(raw: unknown): unknown;
}

export function columnCodecs(dataSource: DataSource, entity: EntityTarget<object>): ColumnCodec[] {
  const driver = dataSource.driver;
  return dataSource.getMetadata(entity).columns.map((metadata) => ({
    property: metadata.propertyName,
    name: metadata.databaseName,
    escaped: driver.escape(metadata.databaseName),
    generated: metadata.isGenerated,
    primary: metadata.isPrimary,
    toDatabase: (value) => driver.preparePersistentValue(value, metadata),
    fromDatabase: (raw) => driver.prepareHydratedValue(raw, metadata),
  }));
}

export function tableName(dataSource: DataSource, entity: EntityTarget<object>): string {
  return dataSource.driver.escape(dataSource.getMetadata(entity).tableName);
}

/** A prepared statement of better-sqlite3: `reader` when it answers rows. */
export interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
}

/** better-sqlite3's own handle, under TypeORM's driver. */
export interface RawSqlite {
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
}

/** TypeORM's better-sqlite3 query runner: its transaction flags and its prepared-statement cache. */
export type SqliteRunner = QueryRunner & {
  transactionDepth: number;
  isTransactionActive: boolean;
  stmtCache: Map<string, unknown>;
};

export type SqliteRunnerClass = new (driver: DataSource['driver']) => SqliteRunner;

/**
 * The SQLite driver's one query runner (it hands out the same one to every caller), its class, and the raw
 * connection; `useRunners` makes the driver hand out runners from `create` instead.
 */
export function sqliteDriverParts(dataSource: DataSource): {
  shared: SqliteRunner;
  Runner: SqliteRunnerClass;
  raw: RawSqlite;
  useRunners(create: () => QueryRunner): void;
  /** How many prepared statements the runners' shared cache holds (TypeORM's `statementCacheSize`, 100 unset). */
  statementCacheSize: number;
} {
  const driver = dataSource.driver;
  const shared = driver.createQueryRunner('master') as SqliteRunner;
  return {
    shared,
    Runner: shared.constructor as SqliteRunnerClass,
    raw: (driver as unknown as { databaseConnection: RawSqlite }).databaseConnection,
    useRunners: (create) => {
      (driver as unknown as { createQueryRunner: () => QueryRunner }).createQueryRunner = create;
    },
    statementCacheSize: (shared as unknown as { cacheSize: number }).cacheSize,
  };
}
