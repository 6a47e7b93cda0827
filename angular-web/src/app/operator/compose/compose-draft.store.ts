import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import { PRIORITIES, REPLIES_MAX, TARGET_KINDS, type Priority, type TargetKind } from '@avisa/contracts';
import { SESSION_STORAGE, SessionStore } from '../../core/session.store';

export interface ComposeDraft {
  kind: TargetKind;
  name: string;
  text: string;
  priority: Priority;
  ttlSeconds: number;
  /** Quick replies offered with this alert. */
  replies: string[];
}

/** Validity presets; 0 = only the sites online now get it. */
export const TTL_PRESETS = [0, 3_600, 14_400, 86_400, 259_200, 604_800] as const;

/** The server's default validity (AVISA_MESSAGE_DEFAULT_TTL_SECONDS). */
export const DEFAULT_TTL_SECONDS = 86_400;

export function emptyDraft(): ComposeDraft {
  return { kind: 'all', name: '', text: '', priority: 'normal', ttlSeconds: DEFAULT_TTL_SECONDS, replies: [] };
}

interface StoredDraft {
  owner: number | null;
  draft: ComposeDraft;
}

const KEY = 'avisa.composeDraft';

/**
 * The alert being written, kept in the tab's sessionStorage: it survives leaving the screen, reloading the tab and a
 * session that expires mid-sentence. It belongs to the user who wrote it and is dropped when they log out.
 */
@Injectable({ providedIn: 'root' })
export class ComposeDraftStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly session = inject(SessionStore);
  private readonly state = signal<ComposeDraft>(this.read());
  readonly draft = this.state.asReadonly();

  constructor() {
    effect(() => {
      if (this.session.user() === null) untracked(() => this.reset());
    });
  }

  save(draft: ComposeDraft): void {
    this.state.set({ ...draft });
    const stored: StoredDraft = { owner: this.session.user()?.id ?? null, draft };
    this.storage.setItem(KEY, JSON.stringify(stored));
  }

  /**
   * After a send: the text and its quick replies go and priority and validity return to their defaults (an urgent
   * alert must not make the next one urgent by mistake); the target stays for the next alert.
   */
  clearText(): void {
    const { priority, ttlSeconds } = emptyDraft();
    this.save({ ...this.state(), text: '', replies: [], priority, ttlSeconds });
  }

  reset(): void {
    this.state.set(emptyDraft());
    this.storage.removeItem(KEY);
  }

  private read(): ComposeDraft {
    try {
      const raw = this.storage.getItem(KEY);
      if (!raw) return emptyDraft();
      const { owner, draft } = JSON.parse(raw) as Partial<StoredDraft>;
      // A different user logged in over an expired session in this tab: not their draft.
      if (!draft || owner !== (this.session.user()?.id ?? null)) return emptyDraft();
      return sanitize(draft);
    } catch {
      return emptyDraft();
    }
  }
}

function sanitize(value: Partial<ComposeDraft>): ComposeDraft {
  const fallback = emptyDraft();
  return {
    kind: TARGET_KINDS.includes(value.kind as TargetKind) ? (value.kind as TargetKind) : fallback.kind,
    name: typeof value.name === 'string' ? value.name : fallback.name,
    text: typeof value.text === 'string' ? value.text : fallback.text,
    priority: PRIORITIES.includes(value.priority as Priority) ? (value.priority as Priority) : fallback.priority,
    ttlSeconds:
      typeof value.ttlSeconds === 'number' && Number.isInteger(value.ttlSeconds) && value.ttlSeconds >= 0
        ? value.ttlSeconds
        : fallback.ttlSeconds,
    replies:
      Array.isArray(value.replies) && value.replies.every((r) => typeof r === 'string')
        ? value.replies.slice(0, REPLIES_MAX)
        : fallback.replies,
  };
}
