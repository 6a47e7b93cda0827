import type { DataSource, EntityManager } from 'typeorm';

/** A caller waiting for its items (the next `count` of the queue): settled with its one result, or with all of them. */
interface Waiting<R> {
  count: number;
  resolveOne?: (result: R) => void;
  resolveAll?: (results: R[]) => void;
  reject: (error: Error) => void;
}

export interface WriteBatcherOptions {
  /** How long the first write of a batch waits for company. */
  delayMs: number;
  /** A batch this large is written at once. */
  maxItems: number;
}

/** A batch taken out of its queue: written (in a group's transaction, through its manager), its callers settled. */
interface TakenBatch {
  write(manager?: EntityManager): Promise<unknown[] | void>;
  settle(error: Error | undefined, results: unknown[]): void;
}

/**
 * A write made in another batch's transaction, right after that batch's own: it is retried with that batch and fails
 * with it, and so does the batch when it fails (an action's audit entry with the action's rows).
 */
export interface Companion {
  write(manager: EntityManager): Promise<unknown>;
}

interface Member {
  take(): TakenBatch | undefined;
}

interface Outcome {
  error?: Error;
  results: unknown[];
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
const failure = (error: unknown): Outcome => ({ error: asError(error), results: [] });

/**
 * One transaction, one commit and one disk sync for what several repositories' batchers have waiting at the same
 * moment: an alert commits together with the audit entry of the alert before it, instead of each paying a commit
 * of its own. There is one group per database (`CommitGroup.for`). It writes when the earliest of its members' delays
 * is over, so joining one never makes a write wait longer than its own batcher would.
 *
 * A member's write does nothing but write through the manager it is given, so it can be run again: when one member's
 * write fails, the transaction is rolled back, each of the others is written again in a transaction of its own, and
 * only the callers of the failing one see the error.
 */
export class CommitGroup {
  private static readonly groups = new WeakMap<DataSource, CommitGroup>();
  private readonly members = new Set<Member>();
  private timer: NodeJS.Timeout | undefined;
  private deadline = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly dataSource: DataSource) {}

  static for(dataSource: DataSource): CommitGroup {
    let group = CommitGroup.groups.get(dataSource);
    if (!group) CommitGroup.groups.set(dataSource, (group = new CommitGroup(dataSource)));
    return group;
  }

  join(member: Member): void {
    this.members.add(member);
  }

  /** Writes what every member has waiting now; resolves when every write so far is committed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const taken = [...this.members].map((m) => m.take()).filter((t) => t !== undefined);
      if (!taken.length) return;
      let failed: { index: number; error: Error } | undefined;
      let outcomes: Outcome[];
      try {
        const results = await this.dataSource.transaction(async (manager) => {
          const written: unknown[][] = [];
          for (const [index, batch] of taken.entries()) {
            try {
              written.push((await batch.write(manager)) ?? []);
            } catch (error) {
              failed = { index, error: asError(error) };
              throw error;
            }
          }
          return written;
        });
        outcomes = results.map((r) => ({ results: r }));
      } catch (error) {
        // A failed BEGIN or COMMIT (a full disk, a lock held too long) would fail every member alike.
        outcomes = failed && taken.length > 1 ? await this.othersAlone(taken, failed) : taken.map(() => failure(error));
      }
      taken.forEach((batch, i) => batch.settle(outcomes[i].error, outcomes[i].results));
    });
    return this.writing;
  }

  /** Writes in `delay` ms at the latest: a member in a hurry brings the group's write forward, never back. */
  schedule(delay: number): void {
    const at = performance.now() + delay;
    if (this.timer && at >= this.deadline) return;
    clearTimeout(this.timer);
    this.deadline = at;
    this.timer = setTimeout(() => void this.flush(), delay);
  }

  /** After one member's write failed: that member fails, and each of the others is written in a transaction alone. */
  private async othersAlone(taken: TakenBatch[], failed: { index: number; error: Error }): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const [index, batch] of taken.entries()) {
      if (index === failed.index) {
        outcomes.push({ error: failed.error, results: [] });
        continue;
      }
      try {
        outcomes.push({ results: (await this.dataSource.transaction((manager) => batch.write(manager))) ?? [] });
      } catch (error) {
        outcomes.push(failure(error));
      }
    }
    return outcomes;
  }
}

/**
 * Collects writes that arrive in bursts (thousands of receipts or connections after a global alert or a
 * restart) and stores each batch with one call — one transaction, one disk sync — instead of one per item.
 * A caller's promise settles once its items are stored, with what the write answered for each of them (when it
 * answers one result per item, in order); batches are written one after another, in order. Repositories own
 * their batchers: a read of theirs that must see pending writes flushes first.
 *
 * `WriteBatcher.joining(group, …)` makes a batcher whose batches are written inside its database's CommitGroup
 * transaction, with whatever the other members have waiting.
 */
export class WriteBatcher<T, R = void> implements Member {
  private items: T[] = [];
  private waiting: Waiting<R>[] = [];
  private companions: Companion[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[], manager?: EntityManager) => Promise<R[] | void>,
    private readonly options: WriteBatcherOptions,
    /** Written in this group's transaction, `write` given the group's manager; alone, it is given none. */
    private readonly group?: CommitGroup,
  ) {
    group?.join(this);
  }

  /** A batcher whose batches are written in `group`'s transaction, through the manager `write` is given. */
  static joining<T, R = void>(
    group: CommitGroup,
    write: (items: T[], manager: EntityManager) => Promise<R[] | void>,
    options: WriteBatcherOptions,
  ): WriteBatcher<T, R> {
    return new WriteBatcher<T, R>((items, manager) => write(items, manager!), options, group);
  }

  add(...items: T[]): Promise<R[]> {
    if (!items.length) return Promise.resolve([]);
    return new Promise((resolveAll, reject) => {
      for (const item of items) this.items.push(item);
      this.waiting.push({ count: items.length, resolveAll, reject });
      this.scheduleNext();
    });
  }

  /** Items whose batch is written with `companions` in its transaction (a batcher in a CommitGroup only). */
  addWith(companions: readonly Companion[], ...items: T[]): Promise<R[]> {
    if (companions.length && !this.group) throw new Error('companions are written only in a CommitGroup transaction');
    for (const companion of companions) this.companions.push(companion);
    return this.add(...items);
  }

  /**
   * One item, settled with its own result (undefined when the write answers none). After a global alert thousands
   * of callers wait at once, long enough for what they hold to be promoted to the old generation: no array and no
   * closure of its own per caller.
   */
  addOne(item: T): Promise<R> {
    return new Promise((resolveOne, reject) => {
      this.items.push(item);
      this.waiting.push({ count: 1, resolveOne, reject });
      this.scheduleNext();
    });
  }

  /** Writes what is waiting now; resolves when every batch so far is written. */
  flush(): Promise<void> {
    if (this.group) return this.group.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const batch = this.take();
      if (!batch) return;
      try {
        batch.settle(undefined, (await batch.write()) ?? []);
      } catch (error) {
        batch.settle(asError(error), []);
      }
    });
    return this.writing;
  }

  /** What waits now, taken out of the queue, with how to write it and settle its callers. */
  take(): TakenBatch | undefined {
    const { items, waiting, companions } = this;
    if (!items.length) return undefined;
    this.items = [];
    this.waiting = [];
    this.companions = [];
    return {
      write: companions.length
        ? async (manager) => {
            const results = await this.write(items, manager);
            for (const companion of companions) await companion.write(manager!);
            return results;
          }
        : (manager) => this.write(items, manager),
      settle: (error, results) => {
        let offset = 0;
        for (const w of waiting) {
          if (error) w.reject(error);
          else if (w.resolveOne) w.resolveOne(results[offset] as R);
          else w.resolveAll!(results.slice(offset, offset + w.count) as R[]);
          offset += w.count;
        }
      },
    };
  }

  private scheduleNext(): void {
    this.schedule(this.items.length >= this.options.maxItems ? 0 : this.options.delayMs);
  }

  private schedule(delay: number): void {
    if (this.group) return this.group.schedule(delay);
    if (this.timer && delay > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delay);
  }
}
