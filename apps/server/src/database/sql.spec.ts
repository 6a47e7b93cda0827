import { Sql, inList, verbatim } from './sql';

describe('Sql.statement', () => {
  it('binds every value and numbers the placeholders for PostgreSQL, lists included', () => {
    const sql = new Sql(true);
    const at = 1_000;
    const s = sql.statement`UPDATE ${verbatim('"deliveries"')} SET sent_at = ${at}
      WHERE state IN (${inList(['queued', 'sent'])}) AND id IN (${inList([7, 8, 9])})`;
    expect(s.text.replace(/\s+/g, ' ')).toBe(
      'UPDATE "deliveries" SET sent_at = $1 WHERE state IN ($2, $3) AND id IN ($4, $5, $6, $7)',
    );
    expect(s.params).toEqual([1_000, 'queued', 'sent', 7, 8, 9, 9]);
  });

  it('uses ? on SQLite, and gives one text for lists of the same padded length', () => {
    const sql = new Sql(false);
    const of = (ids: number[]) => sql.statement`SELECT 1 FROM t WHERE a = ${'x'} AND id IN (${inList(ids)})`;
    expect(of([1, 2, 3]).text).toBe('SELECT 1 FROM t WHERE a = ? AND id IN (?, ?, ?, ?)');
    expect(of([1, 2, 3]).text).toBe(of([4, 5, 6, 7]).text);
    expect(of([1]).params).toEqual(['x', 1]);
  });
});
