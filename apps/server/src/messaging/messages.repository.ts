import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  emptyDeliveryCounts,
  UNREAD_STATES,
  type DeliveryCounts,
  type DeliverySort,
  type DeliveryState,
  type Priority,
  type ReceiptState,
  type SortOrder,
} from '@avisa/contracts';
import {
  Brackets,
  DataSource,
  EntityManager,
  In,
  IsNull,
  MoreThan,
  Repository,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import { chunks, containsPattern, powerOfTwoRuns, valuesPlaceholders } from '../database/batches';
import { Sql, fragment, inList, inRows, verbatim } from '../database/sql';
import { CommitGroup, type Companion, WriteBatcher } from '../database/write-batcher';
import { EntityStatements } from '../database/entity-statements';
import { type GroupLimit, alertWithinLimitQuery } from '../groups/group-limit';
import { siteNamesJoin } from '../receivers/site-names';
import { decodeFanoutPlan, encodeFanoutPlan } from './fanout-plan';
import { DeliveryEntity, MessageEntity, type NewDelivery } from './message.entity';
import { PlannedRows, receivedRow, type ReceivedDelivery } from './planned-rows';

export type { NewDelivery } from './message.entity';
export type { ReceivedDelivery } from './planned-rows';

export interface ReceiptRow {
  messageId: string;
  receiverName: string;
  state: ReceiptState;
  at: number;
  /** A quick reply (with `read`), already checked against the alert's. */
  reply?: string;
}

/** A copy pushed to its site in a catch-up, to be marked `sent`. */
interface PushMark {
  pushed: number;
  at: number;
}

type DeliveryWrite = PushMark | ReceiptRow;

const receiptKey = (messageId: string, receiverName: string) => `${messageId}\n${receiverName}`;

/** States only move forward: queued → sent → delivered → read. Answers whether the row changed. */
function applyReceipt(row: ReceivedDelivery, receipt: ReceiptRow): boolean {
  const open = row.state === 'queued' || row.state === 'sent';
  const wasDelivered = row.state === 'delivered';
  let dirty = false;
  if (row.deliveredAt === null && (open || wasDelivered || row.state === 'read' || row.state === 'retracted')) {
    row.deliveredAt = receipt.at;
    dirty = true;
  }
  const readable = row.state !== 'expired' && row.state !== 'cancelled';
  if (receipt.state === 'read' && row.readAt === null && readable) {
    row.readAt = receipt.at;
    dirty = true;
  }
  // The first answer stands: a second reply (from a reminder shown again) does not replace it.
  if (receipt.reply !== undefined && row.reply === null && readable) {
    row.reply = receipt.reply;
    row.repliedAt = receipt.at;
    dirty = true;
  }
  if (open || wasDelivered) {
    const next: DeliveryState = row.readAt !== null ? 'read' : 'delivered';
    if (next !== row.state) {
      row.state = next;
      dirty = true;
    }
  }
  return dirty;
}

export interface HistoryFilter {
  sender?: string;
  targetKind?: string;
  targetName?: string;
  from?: number;
  to?: number;
  text?: string;
  priority?: Priority;
  /** Only the alerts an operator restricted to some groups may see. */
  within?: GroupLimit;
  offset: number;
  limit: number;
}

/** What an alert's push needs from its message. */
export type AlertMessage = Pick<
  MessageEntity,
  'id' | 'text' | 'priority' | 'senderDisplay' | 'createdAt' | 'expiresAt' | 'replies' | 'attachments'
>;

export interface PendingDelivery {
  deliveryId: number;
  message: AlertMessage;
}

const OPEN_STATES: DeliveryState[] = ['queued', 'sent'];
/**
 * Written as the partial indexes of open copies (`idx_deliveries_open_by_site`, `idx_deliveries_open_by_state`) say,
 * literally, so SQLite uses them.
 */
const OPEN_COPIES = `d.state IN (${OPEN_STATES.map((state) => `'${state}'`).join(', ')})`;
/** Written as the partial index `idx_deliveries_flagged_unread` says, literally, so SQLite uses it. */
const FLAGGED_UNREAD = "d.flagged = true AND d.state = 'delivered'";

export interface DeliveriesFilter {
  states?: readonly DeliveryState[];
  /** Part of the site's name or display name. */
  text?: string;
  sort: DeliverySort;
  order: SortOrder;
  offset: number;
  /** Absent: every matching copy (the CSV export). */
  limit?: number;
}

export interface SiteDelivery {
  delivery: DeliveryEntity;
  displayName: string | null;
}

/** An unread copy that a new reminder round may show again. */
export type UnreadCopy = Pick<DeliveryEntity, 'id' | 'receiverName' | 'state' | 'reminders' | 'flagged'>;

const SITE = siteNamesJoin('site', 'd.receiver_id');
const nullLast = (column: string) => `CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`;
/** What each sort orders by (fixed SQL, never from the request); null times and replies go last either way. */
const DELIVERY_ORDER: Record<DeliverySort, { asc: string[]; fixed?: string[] }> = {
  receiver: { asc: ['d.receiver_name'] },
  displayName: { asc: [`LOWER(COALESCE(${SITE.displayName}, d.receiver_name))`] },
  state: {
    asc: [
      `CASE d.state WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3
        WHEN 'expired' THEN 4 WHEN 'retracted' THEN 5 ELSE 6 END`,
    ],
  },
  sentAt: { fixed: [nullLast('d.sent_at')], asc: ['d.sent_at'] },
  deliveredAt: { fixed: [nullLast('d.delivered_at')], asc: ['d.delivered_at'] },
  readAt: { fixed: [nullLast('d.read_at')], asc: ['d.read_at'] },
  attempts: { asc: ['d.attempts'] },
  reminders: { asc: ['d.reminders'] },
  reply: { fixed: [nullLast('d.reply')], asc: ['d.reply'] },
};

function deliveryOrder(sort: DeliverySort, order: SortOrder): string {
  const { fixed = [], asc } = DELIVERY_ORDER[sort];
  const direction = order === 'desc' ? ' DESC' : ' ASC';
  return [...fixed, ...asc.map((c) => c + direction), 'd.receiver_name ASC', 'd.id ASC'].join(', ');
}

interface PendingRow {
  delivery_id: number | string;
  id: string;
  text: string;
  priority: MessageEntity['priority'];
  sender_display: string;
  replies: string | null;
  attachments: string | null;
  created_at: number | string;
  expires_at: number | string;
}

/** An accepted alert and its delivery rows. */
export interface AcceptedAlert {
  message: MessageEntity;
  rows: readonly NewDelivery[];
  /**
   * Commit the alert with the plan of its rows and write the rows just after the push (an alert to many sites:
   * the first site need not wait for thousands of inserts). Honoured on SQLite, where this process is the only one
   * and can hold back what reads the rows until they are written; on PostgreSQL, where another instance may take a
   * site's receipt first, the rows always go in the alert's own transaction.
   */
  rowsAfterPush?: boolean;
  /** Written in the alert's transaction, failing with it (its audit entry). */
  alongside?: readonly Companion[];
}

/** How long a rows write that failed waits before its next try, at most. */
const ROWS_RETRY_MAX_MS = 30_000;
/**
 * How long an alert's planned rows wait for its sites' receipts, at most, so that an answered copy is written once,
 * received, instead of written and then updated. 10,000 sites answer within about a second.
 */
const RECEIPTS_WINDOW_MS = 2_000;

/** The columns a multi-row insert sets, and a row's values for them in that order. */
interface RowShape<R> {
  columns: readonly string[];
  values(row: R): unknown[];
}
const NEW_DELIVERY: RowShape<NewDelivery> = {
  columns: [
    'message_id',
    'receiver_id',
    'receiver_name',
    'state',
    'created_at',
    'expires_at',
    'sent_at',
    'ended_at',
    'attempts',
  ],
  values: (r) => [
    r.messageId,
    r.receiverId,
    r.receiverName,
    r.state,
    r.createdAt,
    r.expiresAt,
    r.sentAt,
    r.endedAt,
    r.attempts,
  ],
};
/** A copy written with its first receipt: what the receipt set too. */
const RECEIVED_DELIVERY: RowShape<ReceivedDelivery> = {
  columns: [...NEW_DELIVERY.columns, 'delivered_at', 'read_at', 'reply', 'replied_at'],
  values: (r) => [...NEW_DELIVERY.values(r), r.deliveredAt, r.readAt, r.reply, r.repliedAt],
};

@Injectable()
export class MessagesRepository implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MessagesRepository.name);
  /** Alerts committed whose delivery rows are not all written yet, by id: what reads or moves those rows waits. */
  private readonly planned = new Map<string, PlannedRows>();
  /** Writes of planned rows (receipts included) one after another, each knowing what the one before wrote. */
  private serialTail: Promise<unknown> = Promise.resolve();
  /** Rows planned before a crash, being written at start-up; null once written. */
  private recovering: Promise<void> | null = null;
  private stopping = false;
  /** Every alert and every receipt goes through these; see EntityStatements. */
  private readonly fixedMessages: EntityStatements<MessageEntity>;
  private readonly fixedDeliveries: EntityStatements<DeliveryEntity>;
  private readonly sql: Sql;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(DeliveryEntity) private readonly deliveries: Repository<DeliveryEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.sql = Sql.for(dataSource);
    this.fixedMessages = new EntityStatements(dataSource, MessageEntity);
    this.fixedDeliveries = new EntityStatements(dataSource, DeliveryEntity);
    this.accepted = WriteBatcher.joining(
      CommitGroup.for(dataSource),
      (alerts, manager) => this.insertAcceptedIn(manager, alerts),
      { delayMs: 1, maxItems: 200 },
    );
  }

  /**
   * Alerts posted together (scripts, several operators) share one commit, with whatever else of the database's
   * CommitGroup waits (the audit entries of the alerts before them); a lone alert waits 1 ms at most.
   */
  private readonly accepted: WriteBatcher<AcceptedAlert>;
  /**
   * A global alert's receipts arrive from thousands of sites within a second, and after a restart thousands of sites
   * catch up at once, each copy pushed marked `sent`: receipts and marks share one transaction (one commit) per batch.
   */
  private readonly deliveryWrites = new WriteBatcher<DeliveryWrite, ReceivedDelivery | null>(
    (writes) =>
      this.applyDeliveryWritesNow(writes).catch((error: unknown) => {
        // Once per batch: every site of it is told to send its receipt again.
        this.logger.warn(`storing ${writes.length} receipt(s) and push mark(s) failed: ${String(error)}`);
        throw error;
      }),
    { delayMs: 20, maxItems: 500 },
  );

  /**
   * Stores an accepted alert with the others arriving meanwhile; resolves once committed. Its delivery rows are in
   * the same commit, or, with `rowsAfterPush` on SQLite, written after the push: each copy a site answers is
   * written with its receipt, the rest once every site pushed to has answered, after RECEIPTS_WINDOW_MS at most,
   * or as soon as something reads them.
   */
  async insertAccepted(alert: AcceptedAlert): Promise<void> {
    if (!this.deferred(alert)) {
      await this.accepted.addWith(alert.alongside ?? [], alert);
      return;
    }
    const plan = new PlannedRows(alert.message.id, alert.rows);
    this.planned.set(plan.messageId, plan);
    try {
      await this.accepted.addWith(alert.alongside ?? [], alert);
    } catch (error) {
      this.planned.delete(plan.messageId);
      plan.allWritten();
      throw error;
    }
    if (plan.answered) {
      // Pushed to no site (all offline, or expired): no receipt to wait for. After the caller's push, which
      // follows this resolution in the same turn of the event loop.
      setImmediate(() => this.writeRest([plan.messageId]));
      return;
    }
    plan.timer = setTimeout(() => this.writeRest([plan.messageId]), RECEIPTS_WINDOW_MS);
    plan.timer.unref();
  }

  private deferred(alert: AcceptedAlert): boolean {
    return alert.rowsAfterPush === true && this.dataSource.options.type === 'better-sqlite3' && alert.rows.length > 0;
  }

  /** Runs writes of planned rows one at a time: each decides which rows are still planned when it starts. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serialTail.then(work, work);
    this.serialTail = run.catch(() => undefined);
    return run;
  }

  /** The rest of these alerts' planned rows is to be written now (once per alert). */
  private writeRest(messageIds: readonly string[]): void {
    const due: PlannedRows[] = [];
    for (const id of messageIds) {
      const plan = this.planned.get(id);
      if (!plan || plan.restDue) continue;
      plan.restDue = true;
      clearTimeout(plan.timer);
      due.push(plan);
    }
    if (due.length) void this.writePlannedRows(due);
  }

  /**
   * Writes what is left of planned delivery rows and drops their plans in one transaction; on failure (a full disk)
   * tries again, ever later, and whatever waits on those rows keeps waiting: a catch-up never runs without them.
   */
  private async writePlannedRows(plans: readonly PlannedRows[], retryMs = 250): Promise<void> {
    try {
      await this.serially(() =>
        this.dataSource.transaction(async (manager) => {
          await this.insertRows(
            manager,
            plans.flatMap((p) => [...p.unwritten.values()]),
            NEW_DELIVERY,
          );
          for (const batch of chunks(plans.map((p) => p.messageId))) {
            const s = this.sql.statement`DELETE FROM pending_fanouts WHERE message_id IN (${inList(batch)})`;
            await manager.query(s.text, s.params);
          }
        }),
      );
    } catch (error) {
      this.logger.error(
        `writing the delivery rows of ${plans.length} alert(s) failed, trying again in ${retryMs} ms: ${String(error)}`,
      );
      if (this.stopping) return;
      const retry = setTimeout(
        () => void this.writePlannedRows(plans, Math.min(retryMs * 2, ROWS_RETRY_MAX_MS)),
        retryMs,
      );
      // A stop does not wait for a disk to free up: the plans are written at the next start.
      retry.unref();
      return;
    }
    for (const plan of plans) {
      plan.unwritten.clear();
      this.planned.delete(plan.messageId);
      plan.allWritten();
    }
  }

  /** Rows planned by a server that stopped before writing them are written before any site catches up. */
  onModuleInit(): void {
    if (this.dataSource.options.type !== 'better-sqlite3') return;
    this.recovering = this.recoverPlannedRows().finally(() => (this.recovering = null));
  }

  private async recoverPlannedRows(): Promise<void> {
    const s = this.sql.statement`SELECT p.message_id, p.plan, m.created_at, m.expires_at
        FROM pending_fanouts p JOIN messages m ON m.id = p.message_id`;
    const found = (await this.dataSource.query(s.text, s.params)) as {
      message_id: string;
      plan: string;
      created_at: number | string;
      expires_at: number | string;
    }[];
    if (!found.length) return;
    const plans: PlannedRows[] = [];
    for (const p of found) {
      const rows = decodeFanoutPlan(
        { id: p.message_id, createdAt: Number(p.created_at), expiresAt: Number(p.expires_at) },
        p.plan,
      );
      const plan = new PlannedRows(p.message_id, rows);
      // Copies written with their receipts before the stop are in the table already.
      const s = this.sql.statement`SELECT receiver_name FROM deliveries WHERE message_id = ${p.message_id}`;
      const written = (await this.dataSource.query(s.text, s.params)) as { receiver_name: string }[];
      plan.markWritten(written.map((w) => w.receiver_name));
      plan.restDue = true;
      this.planned.set(plan.messageId, plan);
      plans.push(plan);
    }
    this.logger.warn(`writing the delivery rows of ${plans.length} alert(s) accepted before the last stop`);
    void this.writePlannedRows(plans);
    await Promise.all(plans.map((p) => p.written));
  }

  /**
   * Resolves once the rows of the named alerts (of every alert, when none is named) are stored: what is left of
   * their plans is written now.
   */
  private async rowsWritten(messageIds?: readonly string[]): Promise<void> {
    if (this.recovering) await this.recovering;
    if (!this.planned.size) return;
    const plans = (messageIds ?? [...this.planned.keys()]).flatMap((id) => this.planned.get(id) ?? []);
    if (!plans.length) return;
    this.writeRest(plans.map((p) => p.messageId));
    await Promise.all(plans.map((p) => p.written));
  }

  /**
   * Writes one site's copies that are still planned (a site connecting during a global alert's receipts), leaving
   * the other sites' copies planned for their receipts. If that write fails, waits for every planned row as
   * `rowsWritten` does: a catch-up never runs without its rows.
   */
  private async siteRowsWritten(receiverName: string): Promise<void> {
    if (this.recovering) await this.recovering;
    if (![...this.planned.values()].some((p) => p.unwritten.has(receiverName))) return;
    try {
      await this.serially(async () => {
        const plans = [...this.planned.values()].filter((p) => p.unwritten.has(receiverName));
        const rows = plans.map((p) => p.unwritten.get(receiverName)!);
        await this.dataSource.transaction((manager) => this.insertRows(manager, rows, NEW_DELIVERY));
        for (const plan of plans) plan.markWritten([receiverName]);
        this.writeRest(plans.filter((p) => p.answered).map((p) => p.messageId));
      });
    } catch {
      await this.rowsWritten();
    }
  }

  /** Marks deliveries pushed (catch-up), batched with the marks of other sites connecting meanwhile. */
  async markPushed(ids: readonly number[], at: number): Promise<void> {
    await this.deliveryWrites.add(...ids.map((id) => ({ pushed: id, at })));
  }

  /**
   * Applies one receipt, in a transaction with the receipts arriving meanwhile; resolves once stored, with the
   * delivery row as it is now if this receipt changed it.
   */
  applyReceipt(receipt: ReceiptRow): Promise<ReceivedDelivery | null> {
    // The write answers a row or null for every receipt. Not async: see ReceiptsService.record.
    const recovering = this.recovering;
    if (recovering) return recovering.then(() => this.deliveryWrites.addOne(receipt));
    return this.deliveryWrites.addOne(receipt);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.accepted.flush(), this.deliveryWrites.flush(), this.downloads.flush()]);
    // Rows written just after a push are written before the stop; rows that cannot be (a full disk) keep their
    // plan and are written at the next start.
    this.stopping = true;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.rowsWritten(), new Promise<void>((resolve) => (waited = setTimeout(resolve, 5_000)))]);
    clearTimeout(waited);
  }

  /**
   * Accepted alerts with their delivery rows (or, deferred, the plan of them), in one transaction (one commit) for
   * those that arrive together, before anything is pushed.
   */
  private async insertAcceptedIn(manager: EntityManager, alerts: readonly AcceptedAlert[]): Promise<void> {
    await this.fixedMessages.insertMany(
      alerts.map((a) => a.message),
      manager,
    );
    await this.insertRows(
      manager,
      alerts.filter((a) => !this.deferred(a)).flatMap((a) => a.rows),
      NEW_DELIVERY,
    );
    for (const alert of alerts.filter((a) => this.deferred(a))) {
      const s = this.sql.statement`INSERT INTO pending_fanouts (message_id, plan)
          VALUES (${alert.message.id}, ${encodeFanoutPlan(alert.rows)})`;
      await manager.query(s.text, s.params);
    }
  }

  /** A global alert is thousands of rows: multi-row statements of the columns that vary; the rest keep defaults. */
  private async insertRows<R>(manager: EntityManager, rows: readonly R[], shape: RowShape<R>): Promise<void> {
    const numbered = this.dataSource.options.type === 'postgres';
    const columns = shape.columns.join(', ');
    for (const batch of powerOfTwoRuns(rows)) {
      await manager.query(
        `INSERT INTO deliveries (${columns}) VALUES ${valuesPlaceholders(batch.length, shape.columns.length, numbered)}`,
        batch.flatMap(shape.values),
      );
    }
  }

  async markDeliverySent(ids: readonly number[], at: number, manager?: EntityManager): Promise<void> {
    for (const batch of chunks(ids, 512)) {
      // Every push counts as an attempt, even when the site's receipt got in first; only open rows become `sent`.
      const s = this.sql.statement`UPDATE deliveries SET attempts = attempts + 1,
                state = CASE WHEN state IN (${inList(OPEN_STATES)}) THEN 'sent' ELSE state END,
                sent_at = CASE WHEN state IN (${inList(OPEN_STATES)}) THEN ${at} ELSE sent_at END
          WHERE id IN (${inList(batch)})`;
      await (manager ?? this.dataSource).query(s.text, s.params);
    }
  }

  /**
   * Applies a batch of push marks and receipts in one transaction, the marks first: a copy pushed and answered
   * within the batch ends delivered. States only move forward: queued → sent → delivered → read. Answers, for each
   * receipt, its delivery row as stored if it changed it (null for a mark).
   */
  private async applyDeliveryWritesNow(writes: readonly DeliveryWrite[]): Promise<(ReceivedDelivery | null)[]> {
    if (!writes.length) return [];
    const results: (ReceivedDelivery | null)[] = writes.map(() => null);
    const marks = writes.filter((w): w is PushMark => 'pushed' in w);
    const receiptIndexes = writes.flatMap((w, i) => ('pushed' in w ? [] : [i]));
    const receipts = receiptIndexes.map((i) => writes[i] as ReceiptRow);
    const changed = await this.serially(async () => {
      const found: (ReceivedDelivery | null)[] = receipts.map(() => null);
      const { received, left } = this.foldIntoPlans(receipts, found);
      await this.dataSource.transaction(async (manager) => {
        if (marks.length) {
          await this.markDeliverySent(
            marks.map((m) => m.pushed),
            Math.max(...marks.map((m) => m.at)),
            manager,
          );
        }
        await this.insertRows(manager, [...received.values()], RECEIVED_DELIVERY);
        const rest = await this.applyFirstDeliveries(manager, receipts, left, found);
        if (rest.length) await this.applyReceiptsOneByOne(manager, receipts, rest, found);
      });
      const answered = new Set<string>();
      for (const row of received.values()) {
        const plan = this.planned.get(row.messageId)!;
        plan.markWritten([row.receiverName]);
        if (plan.answered) answered.add(plan.messageId);
      }
      if (answered.size) this.writeRest([...answered]);
      return found;
    });
    receiptIndexes.forEach((i, k) => (results[i] = changed[k]));
    return results;
  }

  /**
   * Receipts for copies still planned (their alert's rows not written yet) make those rows, written once, received,
   * instead of written and then updated. Answers those rows by site and alert, and the indexes of the receipts left
   * for the rows in the table.
   */
  private foldIntoPlans(
    receipts: readonly ReceiptRow[],
    results: (ReceivedDelivery | null)[],
  ): { received: Map<string, ReceivedDelivery>; left: number[] } {
    const received = new Map<string, ReceivedDelivery>();
    const left: number[] = [];
    receipts.forEach((r, i) => {
      const key = receiptKey(r.messageId, r.receiverName);
      const row = received.get(key);
      if (row) {
        if (applyReceipt(row, r)) results[i] = row;
        return;
      }
      const planned = this.planned.get(r.messageId)?.unwritten.get(r.receiverName);
      const fresh = planned && receivedRow(planned);
      // A copy the receipt leaves as it is (expired) stays planned; the receipt changes nothing.
      if (!fresh || !applyReceipt(fresh, r)) return void left.push(i);
      received.set(key, fresh);
      results[i] = fresh;
    });
    return { received, left };
  }

  /**
   * Nearly every receipt is a site's first `delivered` for a copy still open: those of a batch move forward in one
   * statement per 512, whatever the number of alerts and sites (a private alert's receipts are each of another
   * alert). Answers the indexes of the receipts left for the general path
   * (a read, a reply, a copy no longer open, a second receipt of one site in the same batch).
   */
  private async applyFirstDeliveries(
    manager: EntityManager,
    receipts: readonly ReceiptRow[],
    indexes: readonly number[],
    results: (ReceivedDelivery | null)[],
  ): Promise<number[]> {
    const rest: number[] = [];
    const firsts = new Map<string, number>();
    for (const i of indexes) {
      const r = receipts[i];
      const key = receiptKey(r.messageId, r.receiverName);
      if (r.state !== 'delivered' || r.reply !== undefined || firsts.has(key)) rest.push(i);
      else firsts.set(key, i);
    }
    for (const batch of chunks([...firsts.values()], 512)) {
      // One time for the batch: the receipts in it arrived within the batcher's few milliseconds.
      const at = Math.max(...batch.map((i) => receipts[i].at));
      const pairs = batch.map((i) => [receipts[i].messageId, receipts[i].receiverName]);
      const updated = await this.fixedDeliveries.updateReturning(
        fragment`state = CASE WHEN read_at IS NULL THEN 'delivered' ELSE 'read' END,
          delivered_at = COALESCE(delivered_at, ${at})`,
        // Led by the receipts' own (alert, site) pairs, so each is a lookup by index whatever else is open. Left to
        // choose (the pairs in a plain IN, or a plain JOIN of more than a few), SQLite's planner walks every open copy
        // by state and the pairs for each: 30,000 open copies cost 0.75 s per batch. CROSS JOIN keeps the pairs
        // outside (SQLite's documented way to fix the order); PostgreSQL plans it as any join.
        fragment`id IN (SELECT d.id FROM (VALUES ${inRows(pairs)}) v CROSS JOIN deliveries d
           WHERE d.message_id = v.column1 AND d.receiver_name = v.column2 AND d.state IN (${inList(OPEN_STATES)}))`,
        (row) => {
          row.state = row.readAt === null ? 'delivered' : 'read';
          row.deliveredAt ??= at;
        },
        manager,
      );
      for (const row of updated) {
        const key = receiptKey(row.messageId, row.receiverName);
        results[firsts.get(key)!] = row;
        firsts.delete(key);
      }
    }
    for (const i of firsts.values()) rest.push(i);
    return rest.sort((a, b) => a - b);
  }

  /** Receipts one by one over their rows as stored, for what the set-wise path does not cover. */
  private async applyReceiptsOneByOne(
    manager: EntityManager,
    receipts: readonly ReceiptRow[],
    indexes: readonly number[],
    results: (ReceivedDelivery | null)[],
  ): Promise<void> {
    const some = indexes.map((i) => receipts[i]);
    const rows = await this.loadForReceipts(manager, some);
    const changed = new Map<number, DeliveryEntity>();
    for (const i of indexes) {
      const r = receipts[i];
      const row = rows.get(receiptKey(r.messageId, r.receiverName));
      if (!row || !applyReceipt(row, r)) continue;
      changed.set(row.id, row);
      results[i] = row;
    }
    // Rows that end in the same state and times are written by one statement.
    const writes = new Map<string, number[]>();
    for (const row of changed.values()) {
      const key = `${row.state}|${row.deliveredAt}|${row.readAt}|${row.reply}|${row.repliedAt}`;
      const ids = writes.get(key);
      if (ids) ids.push(row.id);
      else writes.set(key, [row.id]);
    }
    for (const ids of writes.values()) {
      const { state, deliveredAt, readAt, reply, repliedAt } = changed.get(ids[0])!;
      for (const batch of chunks(ids, 512)) {
        const s = this.sql.statement`UPDATE deliveries SET state = ${state}, delivered_at = ${deliveredAt},
          read_at = ${readAt}, reply = ${reply}, replied_at = ${repliedAt} WHERE id IN (${inList(batch)})`;
        await manager.query(s.text, s.params);
      }
    }
  }

  private async loadForReceipts(manager: EntityManager, receipts: readonly ReceiptRow[]) {
    const byMessage = new Map<string, Set<string>>();
    for (const r of receipts) byMessage.set(r.messageId, (byMessage.get(r.messageId) ?? new Set()).add(r.receiverName));
    const rows = new Map<string, DeliveryEntity>();
    const d = this.fixedDeliveries;
    for (const [messageId, names] of byMessage) {
      for (const batch of chunks([...names], 512)) {
        const found = await d.select(
          this.sql.statement`message_id = ${messageId} AND receiver_name IN (${inList(batch)})`,
          manager,
        );
        for (const row of found) rows.set(receiptKey(row.messageId, row.receiverName), row);
      }
    }
    return rows;
  }

  /**
   * Open deliveries for one receiver with what their push needs, oldest first, skipping expired and retracted
   * alerts. Every site runs this as it connects (ten thousand at once after a restart), so it is one fixed
   * statement, prepared once, rather than a built query plus a second one for the messages. One branch per open
   * state and the few rows ordered here: an `IN` list or an ORDER BY made SQLite open a temporary B-tree, one
   * ~85 KB allocation per run (see `EntityStatements.updateReturning`).
   */
  async pendingFor(receiverName: string, now: number): Promise<PendingDelivery[]> {
    await this.siteRowsWritten(receiverName);
    const openIn = (state: DeliveryState) => fragment`SELECT d.id AS delivery_id, m.id, m.text, m.priority,
             m.sender_display, m.created_at, m.expires_at, m.replies, m.attachments
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.receiver_name = ${receiverName} AND ${verbatim(OPEN_COPIES)} AND d.state = ${state}
          AND d.expires_at > ${now}
          AND m.retracted_at IS NULL`;
    const [queued, sent] = OPEN_STATES;
    const s = this.sql.statement`${openIn(queued)} UNION ALL ${openIn(sent)}`;
    const rows = (await this.dataSource.query(s.text, s.params)) as PendingRow[];
    const pending = rows.map((r) => ({
      deliveryId: Number(r.delivery_id),
      message: {
        id: r.id,
        text: r.text,
        priority: r.priority,
        senderDisplay: r.sender_display,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
        replies: r.replies,
        attachments: r.attachments,
      },
    }));
    return pending.sort((a, b) => a.message.createdAt - b.message.createdAt || a.deliveryId - b.deliveryId);
  }

  /** Deliveries pushed to a receiver that has not confirmed them since `cutoff`. */
  async unconfirmedSince(cutoff: number, now: number, limit: number): Promise<DeliveryEntity[]> {
    return this.deliveries
      .createQueryBuilder('d')
      .where(OPEN_COPIES)
      .andWhere(
        new Brackets((w) =>
          w
            .where("d.state = 'sent' AND d.sent_at < :cutoff", { cutoff })
            .orWhere("d.state = 'queued' AND d.created_at < :cutoff", { cutoff }),
        ),
      )
      .andWhere('d.expires_at > :now', { now })
      .orderBy('d.id', 'ASC')
      .take(limit)
      .getMany();
  }

  /**
   * Unread urgent deliveries whose last showing is older than `cutoff`. Asked every few seconds: led by the urgent
   * alerts still live (one row per alert, a few of them), each one's copies found by the alert. Left to choose,
   * SQLite's planner led with the copies' state index and walked every copy ever delivered (130,000 after thirteen
   * global alerts to 10,000 sites; the history only grows). CROSS JOIN keeps the alerts outside (SQLite's documented
   * way to fix the order; PostgreSQL plans it as any join), and the state is compared through COALESCE, which no
   * index serves, so each alert's copies are found by the alert and not by that same state index.
   */
  async urgentUnreadSince(cutoff: number, now: number, limit: number): Promise<DeliveryEntity[]> {
    return this.fixedDeliveries.select(
      this.sql.statement`id IN (SELECT d.id FROM messages m CROSS JOIN deliveries d
         WHERE m.priority = 'urgent' AND m.retracted_at IS NULL AND m.expires_at > ${now}
           AND d.message_id = m.id AND COALESCE(d.state, '') = 'delivered' AND NOT d.flagged AND d.expires_at > ${now}
           AND ((d.reminded_at IS NULL AND d.delivered_at < ${cutoff}) OR d.reminded_at < ${cutoff})
         LIMIT ${limit})`,
    );
  }

  /**
   * Records a reminder round: each group of copies that reached the same count (or were flagged) in one statement,
   * all in one transaction — an unread urgent global alert is thousands of copies per round.
   */
  async recordReminders(
    groups: readonly { ids: readonly number[]; reminders: number; flagged: boolean }[],
    at: number,
  ): Promise<void> {
    if (!groups.some((g) => g.ids.length)) return;
    await this.dataSource.transaction(async (manager) => {
      for (const { ids, reminders, flagged } of groups) {
        for (const batch of chunks(ids, 512)) {
          await manager.update(DeliveryEntity, { id: In(batch) }, { reminders, remindedAt: at, flagged });
        }
      }
    });
  }

  /** Open deliveries past their expiry become `expired`. */
  async expireDue(now: number): Promise<{ messageId: string; receiverName: string }[]> {
    const due = await this.deliveries
      .createQueryBuilder('d')
      .select(['d.id', 'd.messageId', 'd.receiverName'])
      .where(OPEN_COPIES)
      .andWhere('d.expires_at <= :now', { now })
      .take(5000)
      .getMany();
    for (const batch of chunks(due)) {
      await this.deliveries.update({ id: In(batch.map((d) => d.id)) }, { state: 'expired', endedAt: now });
    }
    return due.map((d) => ({ messageId: d.messageId, receiverName: d.receiverName }));
  }

  /** Marks the message retracted and drops its open copies; answers who had it in hand (to be told). */
  async retract(messageId: string, by: string, at: number): Promise<string[]> {
    await this.rowsWritten([messageId]);
    return this.dataSource.transaction(async (manager) => {
      await manager.update(MessageEntity, { id: messageId }, { retractedAt: at, retractedBy: by });
      const held = await manager.find(DeliveryEntity, {
        select: { receiverName: true },
        where: { messageId, state: In(['sent', 'delivered', 'read']) },
      });
      // Only copies not yet delivered are withdrawn; delivered and read copies keep their state (docs/protocol.md).
      await manager.update(DeliveryEntity, { messageId, state: In(OPEN_STATES) }, { state: 'retracted', endedAt: at });
      return held.map((d) => d.receiverName);
    });
  }

  async cancelOpenFor(receiverName: string, at: number): Promise<void> {
    await this.rowsWritten();
    const s = this.sql.statement`UPDATE deliveries AS d SET state = 'cancelled', ended_at = ${at}
        WHERE d.receiver_name = ${receiverName} AND ${verbatim(OPEN_COPIES)}`;
    await this.dataSource.query(s.text, s.params);
  }

  /** The alert, if it exists (and, with `within`, lies within that operator's limit). */
  findMessage(id: string, within?: GroupLimit): Promise<MessageEntity | null> {
    if (!within) return this.messages.findOneBy({ id });
    const { sql, params } = alertWithinLimitQuery('m', within);
    return this.messages.createQueryBuilder('m').where('m.id = :id', { id }).andWhere(sql, params).getOne();
  }

  async findMessages(ids: string[]): Promise<Map<string, MessageEntity>> {
    const unique = [...new Set(ids)];
    const found: MessageEntity[] = [];
    for (const batch of chunks(unique)) found.push(...(await this.messages.findBy({ id: In(batch) })));
    return new Map(found.map((m) => [m.id, m]));
  }

  /** One site's copy of an alert, with the alert's attachments. */
  async siteCopy(
    messageId: string,
    receiverId: number,
  ): Promise<{ delivery: DeliveryEntity; attachments: string | null; retracted: boolean } | null> {
    await this.rowsWritten([messageId]);
    const delivery = await this.deliveries.findOneBy({ messageId, receiverId });
    if (!delivery) return null;
    const message = await this.messages.findOne({
      where: { id: messageId },
      select: { id: true, attachments: true, retractedAt: true },
    });
    return message ? { delivery, attachments: message.attachments, retracted: message.retractedAt !== null } : null;
  }

  /** The first download of an alert's attachments by a site; later ones leave the time as it is. */
  async markAttachmentsDownloaded(deliveryId: number, at: number): Promise<void> {
    await this.downloads.add({ id: deliveryId, at });
  }

  /** Hundreds of sites fetch an alert's attachment at once: their first-download times share transactions. */
  private readonly downloads = new WriteBatcher<{ id: number; at: number }>(
    (marks) =>
      this.dataSource.transaction(async (manager) => {
        for (const { id, at } of marks) {
          await manager.update(
            DeliveryEntity,
            { id, attachmentsDownloadedAt: IsNull() },
            { attachmentsDownloadedAt: at },
          );
        }
      }),
    { delayMs: 20, maxItems: 500 },
  );

  async deliveriesOf(messageId: string): Promise<DeliveryEntity[]> {
    await this.rowsWritten([messageId]);
    return this.deliveries.find({ where: { messageId }, order: { receiverName: 'ASC' } });
  }

  /** The quick replies an alert offers (empty when none), or null when there is no such alert. */
  async repliesOf(messageId: string): Promise<string[] | null> {
    const message = await this.messages.findOne({ where: { id: messageId }, select: { id: true, replies: true } });
    if (!message) return null;
    return message.replies ? (JSON.parse(message.replies) as string[]) : [];
  }

  /** How many sites answered each alert with a quick reply. */
  async repliedCounts(messageIds: string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>(messageIds.map((id) => [id, 0]));
    if (!messageIds.length) return result;
    await this.rowsWritten(messageIds);
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.message_id', 'messageId')
      .addSelect('COUNT(*)', 'n')
      .where('d.message_id IN (:...messageIds)', { messageIds })
      .andWhere('d.reply IS NOT NULL')
      .groupBy('d.message_id')
      .getRawMany<{ messageId: string; n: string | number }>();
    for (const row of rows) result.set(row.messageId, Number(row.n));
    return result;
  }

  /**
   * Each alert's copies counted by state. Copies still planned are written first, unless `planned` is 'counted':
   * then they are counted as planned and left for their receipts (operators' live counts while receipts arrive).
   */
  async counts(messageIds: string[], planned: 'written' | 'counted' = 'written'): Promise<Map<string, DeliveryCounts>> {
    if (planned === 'written' || this.recovering) await this.rowsWritten(messageIds);
    if (!messageIds.some((id) => this.planned.has(id))) return this.storedCounts(messageIds);
    // Serial with the writes of planned rows: a copy is counted either as planned or as stored, never both.
    return this.serially(async () => {
      const result = await this.storedCounts(messageIds);
      for (const [id, counts] of result) {
        const plan = this.planned.get(id);
        if (!plan) continue;
        for (const [state, n] of Object.entries(plan.counts()) as [keyof DeliveryCounts, number][]) counts[state] += n;
      }
      return result;
    });
  }

  private async storedCounts(messageIds: string[]): Promise<Map<string, DeliveryCounts>> {
    const result = new Map<string, DeliveryCounts>(messageIds.map((id) => [id, emptyDeliveryCounts()]));
    if (!messageIds.length) return result;
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.message_id', 'messageId')
      .addSelect('d.state', 'state')
      .addSelect('COUNT(*)', 'n')
      .where('d.message_id IN (:...messageIds)', { messageIds })
      .groupBy('d.message_id')
      .addGroupBy('d.state')
      .getRawMany<{ messageId: string; state: DeliveryState; n: string | number }>();
    for (const row of rows) {
      const counts = result.get(row.messageId)!;
      counts[row.state] = Number(row.n);
      counts.total += Number(row.n);
    }
    return result;
  }

  /** The alerts created since `since` (and within `within`), with their copies that count and those read. */
  async sentSince(since: number, within?: GroupLimit): Promise<{ alerts: number; copies: number; read: number }> {
    await this.rowsWritten();
    const alerts = this.since(this.messages.createQueryBuilder('m'), since, within);
    const copies = this.since(
      this.messages.createQueryBuilder('m').innerJoin(DeliveryEntity, 'd', 'd.message_id = m.id'),
      since,
      within,
    )
      .select("SUM(CASE WHEN d.state NOT IN ('retracted', 'cancelled') THEN 1 ELSE 0 END)", 'copies')
      .addSelect("SUM(CASE WHEN d.state = 'read' THEN 1 ELSE 0 END)", 'read');
    const [count, sums] = await Promise.all([
      alerts.getCount(),
      copies.getRawOne<{ copies: string | number | null; read: string | number | null }>(),
    ]);
    return { alerts: count, copies: Number(sums?.copies ?? 0), read: Number(sums?.read ?? 0) };
  }

  /**
   * How many alerts (within `within`) fall in each of the periods that start at `starts` (sorted): period i runs
   * to the next start, the last one has no end. Counted by the database in one pass over the time index.
   */
  async countPerPeriod(starts: readonly number[], within?: GroupLimit): Promise<number[]> {
    if (starts.length === 0) return [];
    const query = this.since(this.messages.createQueryBuilder('m'), starts[0], within);
    const params: Record<string, number> = {};
    starts.forEach((start, i) => {
      params[`p${i}`] = start;
      const end = i + 1 < starts.length ? ` AND m.created_at < :p${i + 1}` : '';
      const column = `SUM(CASE WHEN m.created_at >= :p${i}${end} THEN 1 ELSE 0 END)`;
      if (i === 0) query.select(column, 'c0');
      else query.addSelect(column, `c${i}`);
    });
    const row = await query.setParameters(params).getRawOne<Record<string, string | number | null>>();
    return starts.map((_, i) => Number(row?.[`c${i}`] ?? 0));
  }

  /** The newest alerts (within `within`). */
  latest(limit: number, within?: GroupLimit): Promise<MessageEntity[]> {
    const query = this.messages.createQueryBuilder('m');
    if (within) {
      const { sql, params } = alertWithinLimitQuery('m', within);
      query.where(sql, params);
    }
    // By time alone, so the index answers without sorting every alert (two in the same millisecond: either order).
    return query.orderBy('m.created_at', 'DESC').take(limit).getMany();
  }

  /**
   * Urgent alerts created since `since`, still valid and not withdrawn, that some sites left unread after every
   * reminder (their deliveries flagged and still `delivered`), newest first, with how many sites.
   */
  async flaggedUnread(
    since: number,
    now: number,
    limit: number,
    within?: GroupLimit,
  ): Promise<{ message: Pick<MessageEntity, 'id' | 'text' | 'senderDisplay' | 'createdAt'>; sites: number }[]> {
    const rows = await this.since(
      this.messages.createQueryBuilder('m').innerJoin(DeliveryEntity, 'd', 'd.message_id = m.id'),
      since,
      within,
    )
      .select(['m.id AS id', 'm.text AS text', 'm.sender_display AS sender_display', 'm.created_at AS created_at'])
      .addSelect('COUNT(*)', 'sites')
      .andWhere("m.priority = 'urgent'")
      .andWhere('m.retracted_at IS NULL')
      .andWhere('m.expires_at > :now', { now })
      .andWhere(FLAGGED_UNREAD)
      .groupBy('m.id')
      .addGroupBy('m.text')
      .addGroupBy('m.sender_display')
      .addGroupBy('m.created_at')
      .orderBy('m.created_at', 'DESC')
      .limit(limit)
      .getRawMany<{ id: string; text: string; sender_display: string; created_at: string | number; sites: string }>();
    return rows.map((r) => ({
      message: { id: r.id, text: r.text, senderDisplay: r.sender_display, createdAt: Number(r.created_at) },
      sites: Number(r.sites),
    }));
  }

  /** The first `limit` sites, by name, that have this alert flagged and unread. */
  async flaggedUnreadSites(messageId: string, limit: number): Promise<string[]> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.receiver_name', 'name')
      .where('d.message_id = :messageId', { messageId })
      .andWhere(FLAGGED_UNREAD)
      .orderBy('d.receiver_name', 'ASC')
      .limit(limit)
      .getRawMany<{ name: string }>();
    return rows.map((r) => r.name);
  }

  /** `query` limited to the alerts (alias `m`) created since `since`, and within `within` when given. */
  private since<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, since: number, within?: GroupLimit) {
    query.where('m.created_at >= :since', { since });
    if (!within) return query;
    const { sql, params } = alertWithinLimitQuery('m', within);
    return query.andWhere(sql, params);
  }

  async history(filter: HistoryFilter): Promise<{ items: MessageEntity[]; total: number }> {
    const query = this.messages.createQueryBuilder('m');
    if (filter.sender) query.andWhere('m.sender_name = :sender', { sender: filter.sender });
    if (filter.targetKind) query.andWhere('m.target_kind = :kind', { kind: filter.targetKind });
    if (filter.targetName) query.andWhere('m.target_name = :name', { name: filter.targetName });
    if (filter.from !== undefined) query.andWhere('m.created_at >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('m.created_at <= :to', { to: filter.to });
    if (filter.priority) query.andWhere('m.priority = :priority', { priority: filter.priority });
    if (filter.within) {
      const { sql, params } = alertWithinLimitQuery('m', filter.within);
      query.andWhere(sql, params);
    }
    if (filter.text) {
      query.andWhere("LOWER(m.text) LIKE :pattern ESCAPE '\\'", {
        pattern: containsPattern(filter.text),
      });
    }
    const [items, total] = await query
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .skip(filter.offset)
      .take(filter.limit)
      .getManyAndCount();
    return { items, total };
  }

  /**
   * One alert's copies that match the filters, with their sites' display names, one page in the order asked, and how
   * many match: the database filters, sorts and pages, so an alert to thousands of sites costs one page.
   */
  async deliveriesPage(messageId: string, filter: DeliveriesFilter): Promise<{ items: SiteDelivery[]; total: number }> {
    await this.rowsWritten([messageId]);
    const order = deliveryOrder(filter.sort, filter.order);
    // Offset and limit are whole numbers the DTO checked; written out, they leave the placeholders as they are.
    const paging =
      filter.limit === undefined ? '' : ` LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`;
    const page = this.deliveriesMatching(
      messageId,
      filter,
      `d.id AS id, ${SITE.displayName} AS display_name`,
      ` ORDER BY ${order}${paging}`,
    );
    const rows = (await this.dataSource.query(page.text, page.params)) as {
      id: number | string;
      display_name: string | null;
    }[];
    const count = this.deliveriesMatching(messageId, filter, 'COUNT(*) AS n', '');
    const [{ n }] = (await this.dataSource.query(count.text, count.params)) as { n: number | string }[];
    const entities = new Map<number, DeliveryEntity>();
    for (const batch of chunks(rows.map((r) => Number(r.id)))) {
      for (const entity of await this.deliveries.findBy({ id: In(batch) })) entities.set(entity.id, entity);
    }
    return {
      items: rows.map((r) => ({ delivery: entities.get(Number(r.id))!, displayName: r.display_name })),
      total: Number(n),
    };
  }

  /** `SELECT <columns>` of one alert's copies matching the states and text, then `tail`; one statement shape. */
  private deliveriesMatching(messageId: string, filter: DeliveriesFilter, columns: string, tail: string) {
    const states = filter.states?.length ? filter.states : null;
    const pattern = filter.text ? containsPattern(filter.text) : '';
    return this.sql.statement`SELECT ${verbatim(columns)} FROM deliveries d ${verbatim(SITE.join)}
       WHERE d.message_id = ${messageId}
         AND (${states ? 1 : 0} = 0 OR d.state IN (${inList(states ?? ['-'])}))
         AND (${pattern} = '' OR LOWER(d.receiver_name) LIKE ${pattern} ESCAPE '\\'
              OR LOWER(${verbatim(SITE.displayName)}) LIKE ${pattern} ESCAPE '\\')${verbatim(tail)}`;
  }

  /** How many sites chose each quick reply, and how many fetched the attachments. */
  async tallies(messageId: string): Promise<{ replies: Map<string, number>; downloaded: number }> {
    await this.rowsWritten([messageId]);
    const replies = await this.deliveries
      .createQueryBuilder('d')
      .select('d.reply', 'reply')
      .addSelect('COUNT(*)', 'n')
      .where('d.message_id = :messageId', { messageId })
      .andWhere('d.reply IS NOT NULL')
      .groupBy('d.reply')
      .getRawMany<{ reply: string; n: string | number }>();
    const downloaded = await this.deliveries
      .createQueryBuilder('d')
      .where('d.message_id = :messageId', { messageId })
      .andWhere('d.attachments_downloaded_at IS NOT NULL')
      .getCount();
    return { replies: new Map(replies.map((r) => [r.reply, Number(r.n)])), downloaded };
  }

  /** The copies of an alert its sites have not read and still may (not expired). */
  async unreadCopies(messageId: string, now: number): Promise<UnreadCopy[]> {
    await this.rowsWritten([messageId]);
    return this.deliveries.find({
      select: { id: true, receiverName: true, state: true, reminders: true, flagged: true },
      where: { messageId, state: In([...UNREAD_STATES]), expiresAt: MoreThan(now) },
      order: { receiverName: 'ASC' },
    });
  }

  /**
   * A reminder round asked by an operator: each copy shown again counts a reminder and a push; a copy still waiting
   * or unconfirmed becomes `sent`.
   */
  async recordResent(ids: readonly number[], at: number): Promise<void> {
    if (!ids.length) return;
    // One transaction for the round: one commit for a thousand sites, and a round is recorded whole or not at all.
    await this.dataSource.transaction(async (manager) => {
      for (const batch of chunks(ids, 512)) {
        const s = this.sql.statement`UPDATE deliveries SET reminders = reminders + 1, reminded_at = ${at},
                  attempts = attempts + 1,
                  state = CASE WHEN state IN (${inList(OPEN_STATES)}) THEN 'sent' ELSE state END,
                  sent_at = CASE WHEN state IN (${inList(OPEN_STATES)}) THEN ${at} ELSE sent_at END
            WHERE id IN (${inList(batch)})`;
        await manager.query(s.text, s.params);
      }
    });
  }
}
