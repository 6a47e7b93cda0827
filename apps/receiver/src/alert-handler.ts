import { AlertPayload, PRIORITIES, ReceiptPayload } from '@avisa/contracts';
import { Clock, iso } from './clock';
import { Logger } from './logger';
import { isRead, Notifier, toNotification } from './notifier';
import { SeenEntry, SeenStore } from './seen-store';

export interface ReceiptSink {
  add(receipt: ReceiptPayload): void;
}

export interface AlertHandlerDeps {
  seen: SeenStore;
  notifier: Notifier;
  receipts: ReceiptSink;
  clock: Clock;
  logger: Logger;
  /** Read at every alert, so a change in the config file applies without a restart. */
  sound: () => boolean;
  onNewAlert?: (alert: AlertPayload) => void;
}

export type AlertOutcome = 'shown' | 'reminder' | 'duplicate' | 'in-progress' | 'expired' | 'retracted' | 'invalid';

/**
 * Decides what each 'alert' and 'retract' event means for the screen and for the receipts. The server resends
 * until it hears 'delivered', so the same id arrives again and again: it is shown once (plus reminders while unread)
 * and every repeat just repeats the receipts.
 */
export class AlertHandler {
  /** Ids waiting to be shown or being shown. */
  private readonly showing = new Set<string>();
  /**
   * Notifications are shown one at a time, in the order the alerts arrived (a site catching up gets its backlog
   * oldest first): each notifier program starts once the previous notification is on screen or failed. Started
   * together, the programs would race and the notifications appear in any order.
   */
  private readonly waiting: AlertPayload[] = [];
  private displaying = false;

  constructor(private readonly deps: AlertHandlerDeps) {}

  handleAlert(payload: unknown): AlertOutcome {
    const { seen, clock, logger } = this.deps;
    const alert = parseAlert(payload);
    if (!alert) {
      logger.warn(`Ignored a malformed alert: ${JSON.stringify(payload)?.slice(0, 200)}`);
      return 'invalid';
    }
    const entry = seen.get(alert.id);
    if (entry?.retracted) {
      logger.info(`Alert ${alert.id} was retracted; not shown`);
      return 'retracted';
    }
    const expired = alert.expiresAt !== null && Date.parse(alert.expiresAt) <= clock.now();
    if (entry && entry.shownAt !== null) {
      const reminderDue = alert.reminder > entry.reminder && entry.readAt === null && !expired;
      if (reminderDue && !this.showing.has(alert.id)) {
        logger.info(`Alert ${alert.id}: reminder ${alert.reminder}, still unread; showing it again`);
        this.show(alert);
        return 'reminder';
      }
      logger.debug(`Alert ${alert.id} (reminder ${alert.reminder}) already shown; repeating its receipts`);
      this.repeatReceipts(entry);
      return 'duplicate';
    }
    if (this.showing.has(alert.id)) return 'in-progress';
    if (expired) {
      logger.info(`Alert ${alert.id} expired at ${alert.expiresAt}; not shown`);
      return 'expired';
    }
    logger.info(`Alert ${alert.id} from ${alert.sender} (${alert.priority}); showing it`);
    this.deps.onNewAlert?.(alert);
    this.show(alert);
    return 'shown';
  }

  handleRetract(payload: unknown): void {
    const id = (payload as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !id) {
      this.deps.logger.warn(`Ignored a malformed retract: ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    this.deps.seen.markRetracted(id);
    const closed = this.deps.notifier.close(id);
    this.deps.logger.info(`Alert ${id} retracted${closed ? '; closed its notification' : ''}`);
  }

  private show(alert: AlertPayload): void {
    this.showing.add(alert.id);
    this.waiting.push(alert);
    this.showNext();
  }

  private showNext(): void {
    const { seen, clock, logger } = this.deps;
    if (this.displaying) return;
    const alert = this.waiting.shift();
    if (!alert) return;
    // Retracted or expired while it waited for the ones before it.
    const skip = seen.get(alert.id)?.retracted
      ? 'was retracted'
      : alert.expiresAt !== null && Date.parse(alert.expiresAt) <= clock.now()
        ? `expired at ${alert.expiresAt}`
        : null;
    if (skip) {
      this.showing.delete(alert.id);
      logger.info(`Alert ${alert.id} ${skip} before its turn; not shown`);
      this.showNext();
      return;
    }
    this.displaying = true;
    let settled = false;
    this.display(alert, () => {
      if (settled) return;
      settled = true;
      this.displaying = false;
      this.showNext();
    });
  }

  /** Runs the notifier for one alert; `settled` once it is on screen or failed. */
  private display(alert: AlertPayload, settled: () => void): void {
    const { seen, notifier, receipts, logger, clock } = this.deps;
    const notification = toNotification(alert, this.deps.sound());
    const previousReminder = seen.beginShow(alert.id, alert.reminder);
    notifier.show(notification, {
      onShown: () => {
        try {
          this.showing.delete(alert.id);
          const shownAt = seen.markShown(alert.id);
          logger.info(`Alert ${alert.id} shown`);
          receipts.add({ id: alert.id, state: 'delivered', at: iso(shownAt) });
        } finally {
          settled();
        }
      },
      onAnswer: (answer) => {
        if (!isRead(answer, notification.urgent)) {
          logger.info(`Alert ${alert.id}: notification ended (${answer}), not counted as read`);
          return;
        }
        const readAt = seen.markRead(alert.id);
        logger.info(`Alert ${alert.id} read (${answer})`);
        if (readAt !== null) receipts.add({ id: alert.id, state: 'read', at: iso(readAt) });
      },
      onFailed: (error) => {
        try {
          this.showing.delete(alert.id);
          seen.abortShow(alert.id, previousReminder);
          logger.error(`Could not show alert ${alert.id} at ${iso(clock.now())}: ${error.message}`);
        } finally {
          settled();
        }
      },
    });
  }

  private repeatReceipts(entry: SeenEntry): void {
    if (entry.shownAt !== null) this.deps.receipts.add({ id: entry.id, state: 'delivered', at: iso(entry.shownAt) });
    if (entry.readAt !== null) this.deps.receipts.add({ id: entry.id, state: 'read', at: iso(entry.readAt) });
  }
}

export function parseAlert(payload: unknown): AlertPayload | null {
  const p = payload as Partial<Record<keyof AlertPayload, unknown>> | null;
  if (typeof p !== 'object' || p === null) return null;
  const reminder = p.reminder ?? 0;
  const valid =
    typeof p.id === 'string' &&
    p.id.length > 0 &&
    p.id.length <= 200 &&
    typeof p.text === 'string' &&
    (PRIORITIES as readonly unknown[]).includes(p.priority) &&
    typeof p.sender === 'string' &&
    typeof p.sentAt === 'string' &&
    (p.expiresAt === null ||
      p.expiresAt === undefined ||
      (typeof p.expiresAt === 'string' && !Number.isNaN(Date.parse(p.expiresAt)))) &&
    Number.isInteger(reminder) &&
    (reminder as number) >= 0;
  if (!valid) return null;
  return {
    id: p.id as string,
    text: p.text as string,
    priority: p.priority as AlertPayload['priority'],
    sender: p.sender as string,
    sentAt: p.sentAt as string,
    expiresAt: (p.expiresAt as string | null | undefined) ?? null,
    reminder: reminder as number,
  };
}
