/** Rows per statement: well under SQLite's bound-parameter limit for every table here. */
export const BATCH_SIZE = 400;

export function* chunks<T>(items: readonly T[], size = BATCH_SIZE): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** A case-insensitive "contains" pattern for `LOWER(column) LIKE :pattern ESCAPE '\'`, with % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The VALUES list of a multi-row INSERT: `(?, ?), (?, ?)`, or `($1, $2), ($3, $4)` where the driver numbers
 * its parameters (PostgreSQL). Bulk rows go through one prepared statement per chunk instead of the ORM's
 * per-row query building.
 */
export function valuesPlaceholders(rows: number, columns: number, numbered: boolean): string {
  const groups: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) cells.push(numbered ? `$${++n}` : '?');
    groups.push(`(${cells.join(', ')})`);
  }
  return groups.join(', ');
}

/**
 * Splits rows into runs whose lengths are powers of two (1,000 → 512, 256, 128, 64, 32, 8), largest first. A
 * multi-row statement then has one of a few shapes, each prepared once and kept in the statement cache, instead
 * of one new statement (and cache entry) for every batch size.
 */
export function* powerOfTwoRuns<T>(items: readonly T[], max = 512): Generator<T[]> {
  let i = 0;
  while (i < items.length) {
    let size = max;
    while (size > items.length - i) size >>= 1;
    yield items.slice(i, i + size);
    i += size;
  }
}

/** Values for an `IN (…)` list, padded by repeating the last one to a power of two: few shapes, same meaning. */
export function paddedInValues<T>(values: readonly T[]): T[] {
  let size = 1;
  while (size < values.length) size <<= 1;
  const padded = [...values];
  while (padded.length < size) padded.push(values[values.length - 1]);
  return padded;
}
