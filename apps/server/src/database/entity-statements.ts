import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { chunks, powerOfTwoRuns, valuesPlaceholders } from './batches';
import { Fragment, Sql, Statement, inList, verbatim } from './sql';
import { ColumnCodec, columnCodecs, tableName } from './typeorm-internals';

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
  private readonly columns: readonly ColumnCodec[];
  private readonly insertable: readonly ColumnCodec[];
  private readonly selectList: string;
  private readonly primary: ColumnCodec | null;
  private readonly numbered: boolean;
  private readonly findColumn = new Map<string, ReturnType<typeof verbatim>>();
  private readonly picked = new Map<string, { columns: readonly ColumnCodec[]; selectList: string }>();
  private readonly sql: Sql;

  constructor(
    private readonly dataSource: DataSource,
    entity: EntityTarget<T>,
  ) {
    this.table = tableName(dataSource, entity);
    this.columns = columnCodecs(dataSource, entity);
    this.insertable = this.columns.filter((c) => !c.generated);
    this.selectList = this.columns.map((c) => c.escaped).join(', ');
    const primary = this.columns.filter((c) => c.primary);
    this.primary = primary.length === 1 ? primary[0] : null;
    this.numbered = dataSource.options.type === 'postgres';
    this.sql = Sql.for(dataSource);
  }

  hydrate(row: Record<string, unknown>, columns: readonly ColumnCodec[] = this.columns): T {
    const entity: Record<string, unknown> = {};
    for (const column of columns) entity[column.property] = column.fromDatabase(row[column.name]);
    return entity as T;
  }

  /** Entities matching `where`, a condition over the table's columns written with `Sql.statement`. */
  async select(where: Statement, executor: Executor = this.dataSource): Promise<T[]> {
    const rows = (await executor.query(
      `SELECT ${this.selectList} FROM ${this.table} WHERE ${where.text}`,
      where.params,
    )) as Record<string, unknown>[];
    return rows.map((row) => this.hydrate(row));
  }

  /**
   * `UPDATE … SET <set> WHERE <where>`, answering the changed rows as the update left them, converted like `select`.
   * PostgreSQL returns them with `RETURNING` (the ORM hands its UPDATE back as `[rows, count]`). SQLite buffers
   * `RETURNING` rows in a temporary B-tree whose page cache is one ~85 KB allocation per run, a fresh mmap under
   * the deployment's MALLOC_MMAP_THRESHOLD_ (docs/performance.md): there the rows are read, updated by primary key,
   * and `mirror` (what `set` does to a row) is applied to what was read — two statements that cost less than that
   * one. On SQLite `executor` must be a transaction's manager, so that nothing runs between them.
   */
  async updateReturning(
    set: Fragment,
    where: Fragment,
    mirror: (row: T) => void,
    executor: Executor = this.dataSource,
  ): Promise<T[]> {
    if (this.numbered) {
      const s = this.sql
        .statement`UPDATE ${verbatim(this.table)} SET ${set} WHERE ${where} RETURNING ${verbatim(this.selectList)}`;
      const [rows] = (await executor.query(s.text, s.params)) as [Record<string, unknown>[], number];
      return rows.map((row) => this.hydrate(row));
    }
    if (!this.primary) throw new Error(`${this.table}: updateReturning needs a single-column primary key`);
    const key = verbatim(this.primary.escaped);
    const rows = await this.select(this.sql.statement`${where}`, executor);
    for (const batch of chunks(rows, 512)) {
      const ids = batch.map((row) => row[this.primary!.property] as unknown);
      const update = this.sql.statement`UPDATE ${verbatim(this.table)} SET ${set} WHERE ${key} IN (${inList(ids)})`;
      await executor.query(update.text, update.params);
    }
    rows.forEach(mirror);
    return rows;
  }

  /** The one row whose unique column `property` equals `value`. */
  async findOneBy(property: keyof T & string, value: unknown): Promise<T | null> {
    const [row] = await this.select(this.sql.statement`${this.columnNamed(property)} = ${value} LIMIT 1`);
    return row ?? null;
  }

  /** The same, with only the columns of `fields`: a lookup on every call that needs three of twenty. */
  async findFieldsBy<K extends keyof T & string>(
    property: keyof T & string,
    value: unknown,
    fields: readonly K[],
  ): Promise<Pick<T, K> | null> {
    const picked = this.pick(fields);
    const where = this.sql.statement`${this.columnNamed(property)} = ${value} LIMIT 1`;
    const [row] = (await this.dataSource.query(
      `SELECT ${picked.selectList} FROM ${this.table} WHERE ${where.text}`,
      where.params,
    )) as Record<string, unknown>[];
    return row ? this.hydrate(row, picked.columns) : null;
  }

  /** Every row, with only the columns of `fields`. */
  async findAllFields<K extends keyof T & string>(fields: readonly K[]): Promise<Pick<T, K>[]> {
    const picked = this.pick(fields);
    const rows = (await this.dataSource.query(`SELECT ${picked.selectList} FROM ${this.table}`)) as Record<
      string,
      unknown
    >[];
    return rows.map((row) => this.hydrate(row, picked.columns));
  }

  private pick(fields: readonly string[]): { columns: readonly ColumnCodec[]; selectList: string } {
    const key = fields.join(',');
    let picked = this.picked.get(key);
    if (!picked) {
      const columns = fields.map((f) => this.codecOf(f));
      picked = { columns, selectList: columns.map((c) => c.escaped).join(', ') };
      this.picked.set(key, picked);
    }
    return picked;
  }

  private columnNamed(property: string): ReturnType<typeof verbatim> {
    let column = this.findColumn.get(property);
    if (!column) {
      column = verbatim(this.codecOf(property).escaped);
      this.findColumn.set(property, column);
    }
    return column;
  }

  private codecOf(property: string): ColumnCodec {
    const found = this.columns.find((c) => c.property === property);
    if (!found) throw new Error(`${this.table} has no column for ${property}`);
    return found;
  }

  /** Multi-row INSERTs; every column but the generated ones (the id) must be given. */
  async insertMany(entities: readonly Partial<T>[], executor: Executor = this.dataSource): Promise<void> {
    const names = this.insertable.map((c) => c.escaped).join(', ');
    for (const run of powerOfTwoRuns(entities)) {
      const params: unknown[] = [];
      for (const entity of run) {
        for (const column of this.insertable) {
          const value = entity[column.property as keyof T];
          if (value === undefined) throw new Error(`${this.table}: no value for ${column.property}`);
          params.push(column.toDatabase(value));
        }
      }
      const values = valuesPlaceholders(run.length, this.insertable.length, this.numbered);
      await executor.query(`INSERT INTO ${this.table} (${names}) VALUES ${values}`, params);
    }
  }
}
