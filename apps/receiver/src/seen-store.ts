import { readJson, setAside, writeJsonAtomic } from './atomic-file';
import { Clock } from './clock';
import { Logger } from './logger';

/** An urgent alert's notification while it is on screen unread: enough to show it again after a restart. */
export interface ScreenRecord {
  /** The notifier's handle of the notification, to replace it in place; null when the notifier gives none. */
  handle: string | null;
  title: string;
  message: string;
  expiresAt: string | null;
  replies?: string[];
  attachmentAction?: string;
}

export interface SeenEntry {
  id: string;
  /** Highest reminder index shown or being shown; 0 is the alert itself. */
  reminder: number;
  firstSeenAt: number;
  updatedAt: number;
  /** When the notification was first on screen, i.e. the time of the 'delivered' receipt. */
  shownAt: number | null;
  readAt: number | null;
  retracted: boolean;
  screen: ScreenRecord | null;
}

export interface SeenLimits {
  maxAgeMs: number;
  maxEntries: number;
}

export const SEEN_LIMITS: SeenLimits = { maxAgeMs: 7 * 86_400_000, maxEntries: 5000 };

/** The alert ids this site has handled, on disk, so neither a duplicate nor a restart shows anything twice. */
export class SeenStore {
  private constructor(
    private readonly path: string,
    private readonly entries: Map<string, SeenEntry>,
    private readonly clock: Clock,
    private readonly limits: SeenLimits,
  ) {}

  static open(path: string, clock: Clock, logger: Logger, limits: SeenLimits = SEEN_LIMITS): SeenStore {
    const entries = new Map<string, SeenEntry>();
    const read = readJson(path);
    if (read.kind === 'corrupt') {
      logger.warn(`${path} is unreadable (${read.error}); moved to ${setAside(path, clock.now())}, starting empty`);
    } else if (read.kind === 'ok' && Array.isArray(read.data)) {
      for (const item of read.data) {
        if (isEntry(item)) entries.set(item.id, { ...item, screen: item.screen ?? null });
      }
    }
    const store = new SeenStore(path, entries, clock, limits);
    if (store.prune() > 0 || read.kind !== 'ok') store.save();
    return store;
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): SeenEntry | undefined {
    const entry = this.entries.get(id);
    return entry && { ...entry };
  }

  /** Entries whose notification was left on screen unread, oldest first. */
  onScreen(): SeenEntry[] {
    return [...this.entries.values()]
      .filter((entry) => entry.screen !== null && entry.readAt === null && !entry.retracted)
      .sort((a, b) => (a.shownAt ?? 0) - (b.shownAt ?? 0))
      .map((entry) => ({ ...entry }));
  }

  setScreen(id: string, screen: ScreenRecord | null): void {
    const entry = this.entries.get(id);
    if (!entry || (entry.screen === null && screen === null)) return;
    entry.screen = screen;
    this.save();
  }

  /** Records the attempt before the notifier runs; returns the reminder index to go back to if it fails. */
  beginShow(id: string, reminder: number): number {
    const now = this.clock.now();
    const entry = this.entries.get(id);
    const previous = entry?.reminder ?? -1;
    this.entries.set(id, {
      id,
      reminder: Math.max(reminder, entry?.reminder ?? 0),
      firstSeenAt: entry?.firstSeenAt ?? now,
      updatedAt: now,
      shownAt: entry?.shownAt ?? null,
      readAt: entry?.readAt ?? null,
      retracted: entry?.retracted ?? false,
      screen: entry?.screen ?? null,
    });
    this.prune();
    this.save();
    return previous;
  }

  abortShow(id: string, previousReminder: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.shownAt === null && !entry.retracted) this.entries.delete(id);
    else entry.reminder = Math.max(previousReminder, 0);
    this.save();
  }

  markShown(id: string): number {
    const entry = this.require(id);
    entry.shownAt ??= this.clock.now();
    entry.updatedAt = this.clock.now();
    this.save();
    return entry.shownAt;
  }

  markRead(id: string): number | null {
    const entry = this.require(id);
    if (entry.readAt !== null) return null;
    entry.readAt = this.clock.now();
    entry.updatedAt = entry.readAt;
    entry.screen = null;
    this.save();
    return entry.readAt;
  }

  markRetracted(id: string): void {
    const now = this.clock.now();
    const entry = this.entries.get(id);
    if (entry) {
      entry.retracted = true;
      entry.updatedAt = now;
      entry.screen = null;
    } else {
      this.entries.set(id, {
        id,
        reminder: 0,
        firstSeenAt: now,
        updatedAt: now,
        shownAt: null,
        readAt: null,
        retracted: true,
        screen: null,
      });
    }
    this.save();
  }

  prune(): number {
    const before = this.entries.size;
    const horizon = this.clock.now() - this.limits.maxAgeMs;
    for (const [id, entry] of this.entries) {
      if (entry.updatedAt < horizon) this.entries.delete(id);
    }
    if (this.entries.size > this.limits.maxEntries) {
      const oldest = [...this.entries.values()].sort((a, b) => a.updatedAt - b.updatedAt);
      for (const entry of oldest.slice(0, this.entries.size - this.limits.maxEntries)) this.entries.delete(entry.id);
    }
    return before - this.entries.size;
  }

  private require(id: string): SeenEntry {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`alert ${id} was never recorded`);
    return entry;
  }

  private save(): void {
    writeJsonAtomic(this.path, [...this.entries.values()]);
  }
}

function isEntry(value: unknown): value is SeenEntry {
  const v = value as Partial<SeenEntry> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.reminder === 'number' &&
    typeof v.firstSeenAt === 'number' &&
    typeof v.updatedAt === 'number' &&
    (v.shownAt === null || typeof v.shownAt === 'number') &&
    (v.readAt === null || typeof v.readAt === 'number') &&
    typeof v.retracted === 'boolean' &&
    (v.screen === undefined || v.screen === null || isScreen(v.screen))
  );
}

function isScreen(value: unknown): value is ScreenRecord {
  const v = value as Partial<ScreenRecord> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.handle === null || typeof v.handle === 'string') &&
    typeof v.title === 'string' &&
    typeof v.message === 'string' &&
    (v.expiresAt === null || typeof v.expiresAt === 'string') &&
    (v.replies === undefined || (Array.isArray(v.replies) && v.replies.every((r) => typeof r === 'string'))) &&
    (v.attachmentAction === undefined || typeof v.attachmentAction === 'string')
  );
}
