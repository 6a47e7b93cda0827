import { Sql, fragment, inList, inRows, verbatim } from './sql';

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

  it('numbers the values of fragments placed into a statement with the rest, in order', () => {
    const set = fragment`state = ${'delivered'}, delivered_at = ${5}`;
    const where = fragment`message_id = ${'m'} AND id IN (${inList([1, 2, 3])})`;
    const pg = new Sql(true).statement`UPDATE t SET ${set} WHERE ${where} AND x = ${9}`;
    expect(pg.text).toBe(
      'UPDATE t SET state = $1, delivered_at = $2 WHERE message_id = $3 AND id IN ($4, $5, $6, $7) AND x = $8',
    );
    expect(pg.params).toEqual(['delivered', 5, 'm', 1, 2, 3, 3, 9]);
    const lite = new Sql(false).statement`UPDATE t SET ${set} WHERE ${where}`;
    expect(lite.text).toBe('UPDATE t SET state = ?, delivered_at = ? WHERE message_id = ? AND id IN (?, ?, ?, ?)');
  });

  it('binds rows of values as a padded VALUES list', () => {
    const where = fragment`(message_id, receiver_name) IN (VALUES ${inRows([
      ['m1', 'a'],
      ['m2', 'b'],
      ['m3', 'c'],
    ])})`;
    const pg = new Sql(true).statement`SELECT 1 FROM t WHERE ${where}`;
    expect(pg.text).toBe(
      'SELECT 1 FROM t WHERE (message_id, receiver_name) IN (VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8))',
    );
    expect(pg.params).toEqual(['m1', 'a', 'm2', 'b', 'm3', 'c', 'm3', 'c']);
    const lite = new Sql(false).statement`SELECT 1 FROM t WHERE ${where}`;
    expect(lite.text).toBe(
      'SELECT 1 FROM t WHERE (message_id, receiver_name) IN (VALUES (?, ?), (?, ?), (?, ?), (?, ?))',
    );
  });
});
