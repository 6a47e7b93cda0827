import { Injectable } from '@nestjs/common';
import { MESSAGE_TEXT_MAX, PHRASES_MAX, phraseKey, type PhraseResponse } from '@avisa/contracts';
import { Actor } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { toPhraseResponse } from './dto/phrase.dto';
import { PhraseEntity } from './phrase.entity';
import { PhrasesRepository } from './phrases.repository';
import { apiError } from '../common/http/api-error';

/**
 * The saving rules for a whole list: trim each phrase, drop empty ones and repeats (ignoring case, the first one
 * wins), keep the order. A phrase longer than the limit after trimming is a problem naming its index in `texts`.
 */
export function normalizePhrases(texts: readonly string[]): { phrases: string[]; problems: string[] } {
  const phrases: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of texts.entries()) {
    const text = raw.trim();
    if (text.length > MESSAGE_TEXT_MAX) {
      problems.push(`phrases[${index}] must be at most ${MESSAGE_TEXT_MAX} characters`);
      continue;
    }
    if (!text || seen.has(phraseKey(text))) continue;
    seen.add(phraseKey(text));
    phrases.push(text);
  }
  return { phrases, problems };
}

/** Why `ids` is not exactly the current ids in some order, or null when it is. */
export function permutationProblem(current: readonly number[], ids: readonly number[]): string | null {
  const known = new Set(current);
  const given = new Set<number>();
  const duplicated = new Set<number>();
  for (const id of ids) (given.has(id) ? duplicated : given).add(id);
  const missing = current.filter((id) => !given.has(id));
  const unknown = [...given].filter((id) => !known.has(id));
  const parts: string[] = [];
  if (missing.length) parts.push(`missing ${missing.join(', ')}`);
  if (unknown.length) parts.push(`unknown ${unknown.join(', ')}`);
  if (duplicated.size) parts.push(`duplicated ${[...duplicated].join(', ')}`);
  return parts.length ? `ids must list every phrase exactly once: ${parts.join('; ')}` : null;
}

@Injectable()
export class PhrasesService {
  constructor(
    private readonly phrases: PhrasesRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async list(): Promise<PhraseResponse[]> {
    return (await this.phrases.list()).map(toPhraseResponse);
  }

  /** `text` arrives trimmed and within the length limit (see PhraseTextDto). */
  async create(text: string, actor: Actor): Promise<PhraseResponse[]> {
    const all = await this.phrases.list();
    if (all.length >= PHRASES_MAX) {
      throw apiError('phrase.list_full', { max: PHRASES_MAX });
    }
    this.refuseDuplicate(all, text, null);
    const id = await this.phrases.append(text, this.clock.now());
    await this.events.emit('phrase.created', { actor, target: `#${id}`, details: { text } });
    return this.list();
  }

  async update(id: number, text: string, actor: Actor): Promise<PhraseResponse[]> {
    const all = await this.phrases.list();
    const phrase = this.require(all, id);
    if (phrase.text === text) return all.map(toPhraseResponse);
    this.refuseDuplicate(all, text, id);
    await this.phrases.updateText(id, text, this.clock.now());
    await this.events.emit('phrase.updated', { actor, target: `#${id}`, details: { from: phrase.text, to: text } });
    return this.list();
  }

  async delete(id: number, actor: Actor): Promise<void> {
    const phrase = this.require(await this.phrases.list(), id);
    await this.phrases.delete(id);
    await this.events.emit('phrase.deleted', { actor, target: `#${id}`, details: { text: phrase.text } });
  }

  async reorder(ids: number[], actor: Actor): Promise<PhraseResponse[]> {
    const all = await this.phrases.list();
    const current = all.map((p) => p.id);
    const problem = permutationProblem(current, ids);
    if (problem) throw new FieldValidationException({ ids: [problem] });
    if (ids.every((id, i) => id === current[i])) return all.map(toPhraseResponse);
    await this.phrases.reorder(ids, this.clock.now());
    await this.events.emit('phrases.reordered', { actor, target: null, details: { from: current, to: ids } });
    return this.list();
  }

  async replace(texts: string[], actor: Actor): Promise<PhraseResponse[]> {
    const { phrases, problems } = normalizePhrases(texts);
    if (problems.length) throw new FieldValidationException({ phrases: problems });
    const before = (await this.phrases.list()).length;
    await this.phrases.replace(phrases, this.clock.now());
    await this.events.emit('phrases.replaced', {
      actor,
      target: null,
      details: { before, after: phrases.length, dropped: texts.length - phrases.length },
    });
    return this.list();
  }

  private refuseDuplicate(all: PhraseEntity[], text: string, exceptId: number | null): void {
    const key = phraseKey(text);
    const clash = all.find((p) => p.id !== exceptId && phraseKey(p.text) === key);
    if (clash) throw apiError('phrase.exists', { text: clash.text });
  }

  private require(all: PhraseEntity[], id: number): PhraseEntity {
    const phrase = all.find((p) => p.id === id);
    if (!phrase) throw apiError('phrase.not_found', { id });
    return phrase;
  }
}
