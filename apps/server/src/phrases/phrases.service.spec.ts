import { ConflictException, NotFoundException } from '@nestjs/common';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { FakeClock, adminActor, newTestService } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { PhraseEntity } from './phrase.entity';
import { PhrasesRepository } from './phrases.repository';
import { PhrasesService, normalizePhrases, permutationProblem } from './phrases.service';

const phrase = (id: number, text: string, position: number): PhraseEntity => ({
  id,
  text,
  position,
  createdAt: 0,
  updatedAt: 0,
});

function setup(existing: PhraseEntity[]) {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(PhrasesService, [[Clock, clock]]);
  const mocks = { phrases: mock(PhrasesRepository), events: mock(EventBus) };
  mocks.phrases.list.mockImplementation(async () => existing);
  mocks.phrases.append.mockImplementation(async () => 99);
  mocks.events.emit.mockImplementation(async () => undefined);
  return { sut, mocks, clock };
}

const threePhrases = () => [phrase(1, 'Hola', 0), phrase(2, 'Adiós', 1), phrase(3, 'Cierre a las 14:00', 2)];

describe('normalizePhrases', () => {
  it('trims, drops empty entries and case-insensitive repeats keeping the first, and keeps the order', () => {
    expect(normalizePhrases(['  Hola  ', '', 'hola', 'Adiós'])).toEqual({ phrases: ['Hola', 'Adiós'], problems: [] });
  });

  it('treats whitespace-only entries as empty', () => {
    expect(normalizePhrases([' \t ', '\n', 'Uno'])).toEqual({ phrases: ['Uno'], problems: [] });
  });

  it('compares accented letters without regard to case or encoding', () => {
    const decomposed = 'ADIO\u0301S';
    expect(normalizePhrases(['Adiós', 'ADIÓS', decomposed, 'Adios']).phrases).toEqual(['Adiós', 'Adios']);
  });

  it('measures the length after trimming, and names the index of each phrase that is too long', () => {
    const fits = ` ${'a'.repeat(2000)} `;
    const tooLong = 'b'.repeat(2001);
    expect(normalizePhrases([fits]).phrases).toEqual(['a'.repeat(2000)]);
    expect(normalizePhrases(['ok', fits, 'x', tooLong, tooLong]).problems).toEqual([
      'phrases[3] must be at most 2000 characters',
      'phrases[4] must be at most 2000 characters',
    ]);
  });

  it('accepts an empty list', () => {
    expect(normalizePhrases([])).toEqual({ phrases: [], problems: [] });
  });
});

describe('permutationProblem', () => {
  it('accepts exactly the current ids in any order', () => {
    expect(permutationProblem([1, 2, 3], [3, 1, 2])).toBeNull();
    expect(permutationProblem([], [])).toBeNull();
  });

  it('says which ids are missing, unknown and duplicated', () => {
    expect(permutationProblem([1, 2, 3], [1, 1, 9])).toBe(
      'ids must list every phrase exactly once: missing 2, 3; unknown 9; duplicated 1',
    );
    expect(permutationProblem([1, 2], [2])).toBe('ids must list every phrase exactly once: missing 1');
  });
});

describe('PhrasesService', () => {
  it('appends a new phrase and audits it with its text', async () => {
    const { sut, mocks, clock } = setup(threePhrases());
    await sut.create('Buenos días', adminActor);
    expect(mocks.phrases.append).toHaveBeenCalledWith('Buenos días', clock.now());
    expect(mocks.events.emit).toHaveBeenCalledWith('phrase.created', {
      actor: adminActor,
      target: '#99',
      details: { text: 'Buenos días' },
    });
  });

  it('refuses a phrase equal to an existing one ignoring case, naming the existing one', async () => {
    const { sut, mocks } = setup(threePhrases());
    await expect(sut.create('ADIÓS', adminActor)).rejects.toThrow(
      new ConflictException('the phrase "Adiós" already exists'),
    );
    expect(mocks.phrases.append).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });

  it('refuses a new phrase once the list is full', async () => {
    const full = Array.from({ length: 500 }, (_, i) => phrase(i + 1, `p${i}`, i));
    const { sut, mocks } = setup(full);
    await expect(sut.create('one more', adminActor)).rejects.toThrow(/already holds 500 phrases/);
    expect(mocks.phrases.append).not.toHaveBeenCalled();
  });

  it('lets a phrase change only its case, and audits the old and new text', async () => {
    const { sut, mocks } = setup(threePhrases());
    await sut.update(1, 'HOLA', adminActor);
    expect(mocks.phrases.updateText).toHaveBeenCalledWith(1, 'HOLA', expect.any(Number));
    expect(mocks.events.emit).toHaveBeenCalledWith('phrase.updated', {
      actor: adminActor,
      target: '#1',
      details: { from: 'Hola', to: 'HOLA' },
    });
  });

  it('refuses an edit that would repeat another phrase, and a missing phrase', async () => {
    const { sut, mocks } = setup(threePhrases());
    await expect(sut.update(1, 'adiós', adminActor)).rejects.toThrow(
      new ConflictException('the phrase "Adiós" already exists'),
    );
    await expect(sut.update(7, 'Nueva', adminActor)).rejects.toThrow(new NotFoundException('phrase 7 does not exist'));
    expect(mocks.phrases.updateText).not.toHaveBeenCalled();
  });

  it('neither stores nor audits an edit that changes nothing', async () => {
    const { sut, mocks } = setup(threePhrases());
    const answer = await sut.update(2, 'Adiós', adminActor);
    expect(answer.map((p) => p.text)).toEqual(['Hola', 'Adiós', 'Cierre a las 14:00']);
    expect(mocks.phrases.updateText).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });

  it('deletes a phrase and audits its text; a missing one is 404', async () => {
    const { sut, mocks } = setup(threePhrases());
    await sut.delete(3, adminActor);
    expect(mocks.phrases.delete).toHaveBeenCalledWith(3);
    expect(mocks.events.emit).toHaveBeenCalledWith('phrase.deleted', {
      actor: adminActor,
      target: '#3',
      details: { text: 'Cierre a las 14:00' },
    });
    await expect(sut.delete(8, adminActor)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('reorders with a permutation of the current ids, auditing the old and new order', async () => {
    const { sut, mocks } = setup(threePhrases());
    await sut.reorder([3, 1, 2], adminActor);
    expect(mocks.phrases.reorder).toHaveBeenCalledWith([3, 1, 2], expect.any(Number));
    expect(mocks.events.emit).toHaveBeenCalledWith('phrases.reordered', {
      actor: adminActor,
      target: null,
      details: { from: [1, 2, 3], to: [3, 1, 2] },
    });
  });

  it('refuses an order that is not a permutation with a 400 on ids, and skips one that changes nothing', async () => {
    const { sut, mocks } = setup(threePhrases());
    const refusal = sut.reorder([3, 1], adminActor);
    await expect(refusal).rejects.toBeInstanceOf(FieldValidationException);
    await expect(refusal).rejects.toMatchObject({
      fields: { ids: ['ids must list every phrase exactly once: missing 2'] },
    });
    await sut.reorder([1, 2, 3], adminActor);
    expect(mocks.phrases.reorder).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });

  it('replaces the list with the normalised phrases and audits the counts', async () => {
    const { sut, mocks } = setup(threePhrases());
    await sut.replace(['  Hola  ', '', 'hola', 'Adiós'], adminActor);
    expect(mocks.phrases.replace).toHaveBeenCalledWith(['Hola', 'Adiós'], expect.any(Number));
    expect(mocks.events.emit).toHaveBeenCalledWith('phrases.replaced', {
      actor: adminActor,
      target: null,
      details: { before: 3, after: 2, dropped: 2 },
    });
  });

  it('replaces nothing when a phrase is too long, naming its index', async () => {
    const { sut, mocks } = setup(threePhrases());
    const refusal = sut.replace(['a', 'b', 'c', 'd'.repeat(2001)], adminActor);
    await expect(refusal).rejects.toMatchObject({
      fields: { phrases: ['phrases[3] must be at most 2000 characters'] },
    });
    expect(mocks.phrases.replace).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });
});
