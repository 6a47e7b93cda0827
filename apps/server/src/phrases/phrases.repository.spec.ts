import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { PhraseEntity } from './phrase.entity';
import { PhrasesRepository } from './phrases.repository';

const T0 = Date.parse('2026-11-22T10:00:00Z');

describe('PhrasesRepository on a real SQLite file', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let repository: PhrasesRepository;

  beforeEach(async () => {
    db = await createTestDatabase();
    repository = new PhrasesRepository(db.dataSource.getRepository(PhraseEntity), db.dataSource);
  });

  afterEach(() => db.dispose());

  const stored = async () => (await repository.list()).map((p) => [p.text, p.position]);

  it('appends at the end, positions counting from 0', async () => {
    const first = await repository.append('Uno', T0);
    const second = await repository.append('Dos', T0 + 1);
    expect(second).toBeGreaterThan(first);
    expect(await stored()).toEqual([
      ['Uno', 0],
      ['Dos', 1],
    ]);
    expect((await repository.list())[1]).toMatchObject({ id: second, createdAt: T0 + 1, updatedAt: T0 + 1 });
  });

  it('closes the gap a deleted phrase leaves', async () => {
    const ids = [];
    for (const text of ['a', 'b', 'c', 'd']) ids.push(await repository.append(text, T0));
    await repository.delete(ids[1]);
    expect(await stored()).toEqual([
      ['a', 0],
      ['c', 1],
      ['d', 2],
    ]);
    await repository.append('e', T0);
    expect((await stored()).at(-1)).toEqual(['e', 3]);
  });

  it('stores a new order', async () => {
    const ids = [];
    for (const text of ['a', 'b', 'c']) ids.push(await repository.append(text, T0));
    await repository.reorder([ids[2], ids[0], ids[1]], T0 + 5);
    expect(await stored()).toEqual([
      ['c', 0],
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('replaces the whole list, more rows than one insert batch, in order', async () => {
    await repository.append('old', T0);
    const texts = Array.from({ length: 450 }, (_, i) => `phrase ${i}`);
    await repository.replace(texts, T0 + 1);
    const list = await repository.list();
    expect(list.map((p) => p.text)).toEqual(texts);
    expect(list.map((p) => p.position)).toEqual(texts.map((_, i) => i));
    await repository.replace([], T0 + 2);
    expect(await repository.list()).toEqual([]);
  });

  it('keeps the old list when the replacement fails part-way', async () => {
    await repository.append('keep me', T0);
    const texts = [...Array.from({ length: 250 }, (_, i) => `p${i}`), null as unknown as string];
    await expect(repository.replace(texts, T0 + 1)).rejects.toThrow();
    expect(await stored()).toEqual([['keep me', 0]]);
  });
});
