/** Rows per statement: well under SQLite's bound-parameter limit for every table here. */
export const BATCH_SIZE = 400;

export function* chunks<T>(items: readonly T[], size = BATCH_SIZE): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** A case-insensitive "contains" pattern for `LOWER(column) LIKE :pattern ESCAPE '\'`, with % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
