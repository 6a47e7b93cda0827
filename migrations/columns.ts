import type { TableColumnOptions } from 'typeorm';

/** Column shapes every migration uses; plain TypeORM types, so they mean the same on SQLite and PostgreSQL. */
export const idColumn: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};

/** Epoch milliseconds. */
export const epochColumn = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable,
});
