import { Column, ColumnOptions } from 'typeorm';

/**
 * Times are stored as epoch milliseconds in a bigint: the same type on SQLite and PostgreSQL,
 * and comparisons stay plain integer comparisons. PostgreSQL hands bigints back as strings.
 */
const epochMs = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};

export const EpochColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'bigint', transformer: epochMs, ...options });

export const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
