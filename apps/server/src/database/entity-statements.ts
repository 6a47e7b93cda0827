import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { paddedInValues, powerOfTwoRuns, valuesPlaceholders } from './batches';

type Executor = Pick<EntityManager, 'query'>;

/**
 * Fixed SQL for an entity's hottest reads and writes (every API call, receipt and site connection). The ORM
 * builds a new query per call, and its SQLite driver writes numbers into the SQL text, so each such call was a new
 * statement to prepare and to hold in the driver's cache. Here values are always bound and lists come in a few
 * sizes, so each shape is prepared once; rows are converted with the entity's own column metadata (names,
 * booleans, arrays, transformers), as the ORM would.
 */
export class EntityStatements<T extends ObjectLiteral> {
  readonly table: string;
  private readonly columns: readonly ColumnMetadata[];
  private readonly insertable: readonly ColumnMetadata[];
  private readonly selectList: string;
  private readonly numbered: boolean;
  private readonly findSql = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
  ) {
    const metadata = dataSource.getMetadata(entity);
    const driver = dataSource.driver;
    this.table = driver.escape(metadata.tableName);
    this.columns = metadata.columns;
    this.insertable = metadata.columns.filter((c) => !c.isGenerated);
    this.selectList = this.columns.map((c) => driver.escape(c.databaseName)).join(', ');
    this.numbered = dataSource.options.type === 'postgres';
  }

  /** The n-th (1-based) bound parameter of a statement. */
  param(n: number): string {
    return this.numbered ? `$${n}` : '?';
  }

  /** `col IN (?, ?, …)` for `values` (padded to a power of two), its parameters numbered from `first`. */
  inList<V>(column: string, values: readonly V[], first = 1): { sql: string; params: V[] } {
    const params = paddedInValues(values);
    const marks = params.map((_, i) => this.param(first + i));
    return { sql: `${this.dataSource.driver.escape(column)} IN (${marks.join(', ')})`, params };
  }

  hydrate(row: Record<string, unknown>): T {
    const entity: Record<string, unknown> = {};
    for (const column of this.columns) {
      entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(row[column.databaseName], column);
    }
    return entity as T;
  }

  /** Entities matching `where` (SQL over the table's columns, its parameters numbered from 1). */
  async select(where: string, params: unknown[], executor: Executor = this.dataSource): Promise<T[]> {
    const rows = (await executor.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE ${where}`,
      params,
    )) as Record<string, unknown>[];
    return rows.map((row) => this.hydrate(row));
  }

  /** The one row whose unique column `property` equals `value`. */
  async findOneBy(property: keyof T & string, value: unknown): Promise<T | null> {
    let sql = this.findSql.get(property);
    if (!sql) {
      const column = this.columns.find((c) => c.propertyName === property);
      if (!column) throw new Error(`${this.table} has no column for ${property}`);
      sql = `${this.dataSource.driver.escape(column.databaseName)} = ${this.param(1)} LIMIT 1`;
      this.findSql.set(property, sql);
    }
    const [row] = await this.select(sql, [value]);
    return row ?? null;
  }

  /** Multi-row INSERTs; every column but the generated ones (the id) must be given. */
  async insertMany(entities: readonly Partial<T>[], executor: Executor = this.dataSource): Promise<void> {
    const driver = this.dataSource.driver;
    const names = this.insertable.map((c) => driver.escape(c.databaseName)).join(', ');
    for (const run of powerOfTwoRuns(entities)) {
      const params: unknown[] = [];
      for (const entity of run) {
        for (const column of this.insertable) {
          const value = entity[column.propertyName as keyof T];
          if (value === undefined) throw new Error(`${this.table}: no value for ${column.propertyName}`);
          params.push(driver.preparePersistentValue(value, column));
        }
      }
      const values = valuesPlaceholders(run.length, this.insertable.length, this.numbered);
      await executor.query(`INSERT INTO ${this.table} (${names}) VALUES ${values}`, params);
    }
  }
}
