import { emptyDeliveryCounts, type DeliveryCounts } from '@avisa/contracts';
import type { DeliveryEntity, NewDelivery } from './message.entity';

/** A delivery row as a receipt leaves it, before the table gives it an id. */
export type ReceivedDelivery = Omit<DeliveryEntity, 'id'>;

/**
 * The delivery rows of one committed alert that are not in the table yet: its plan (in `pending_fanouts`) still
 * stands for them. Only the repository's serial writes take rows out of it, each once its transaction committed.
 */
export class PlannedRows {
  /** Rows not written yet, by site name. */
  readonly unwritten: Map<string, NewDelivery>;
  /** How many of them are copies pushed to a site (`sent`): once none is left, no receipt is awaited. */
  private sentLeft = 0;
  /** Set once the rest of the rows is to be written (their time came, or something reads them). */
  restDue = false;
  timer: NodeJS.Timeout | undefined;
  readonly written: Promise<void>;
  /** Settles `written`: every row is in the table and the plan is dropped. */
  readonly allWritten: () => void;

  constructor(
    readonly messageId: string,
    rows: readonly NewDelivery[],
  ) {
    this.unwritten = new Map(rows.map((r) => [r.receiverName, r]));
    for (const r of rows) if (r.state === 'sent') this.sentLeft++;
    let settle!: () => void;
    this.written = new Promise<void>((resolve) => (settle = resolve));
    this.allWritten = settle;
  }

  /** Every site pushed to has answered: what is left can be written now. */
  get answered(): boolean {
    return this.sentLeft === 0;
  }

  /** The rows of these sites are committed. */
  markWritten(names: Iterable<string>): void {
    for (const name of names) {
      const row = this.unwritten.get(name);
      if (!row) continue;
      this.unwritten.delete(name);
      if (row.state === 'sent') this.sentLeft--;
    }
  }

  /** The unwritten rows counted by state, as the table would count them. */
  counts(): DeliveryCounts {
    const counts = emptyDeliveryCounts();
    for (const row of this.unwritten.values()) {
      counts[row.state]++;
      counts.total++;
    }
    return counts;
  }
}

/** The row a planned copy becomes once something is received for it (a receipt applies next). */
export function receivedRow(planned: NewDelivery): ReceivedDelivery {
  // Written out, not spread: thousands of these are built per second, and a spread then nine more fields made
  // objects V8 handled far more slowly.
  return {
    messageId: planned.messageId,
    receiverId: planned.receiverId,
    receiverName: planned.receiverName,
    state: planned.state,
    createdAt: planned.createdAt,
    expiresAt: planned.expiresAt,
    sentAt: planned.sentAt,
    endedAt: planned.endedAt,
    attempts: planned.attempts,
    deliveredAt: null,
    readAt: null,
    reminders: 0,
    remindedAt: null,
    flagged: false,
    reply: null,
    repliedAt: null,
    attachmentsDownloadedAt: null,
  };
}
