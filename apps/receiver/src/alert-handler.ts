import { AlertPayload, PRIORITIES, ReceiptPayload } from '@avisa/contracts';
import { isAttachment } from './attachments';
import { backoffCeiling, BackoffOptions } from './backoff';
import { Clock, iso } from './clock';
import { Logger } from './logger';
import {
  DesktopNotification,
  isRead,
  NO_DESKTOP_SESSION,
  NoDesktopSessionError,
  Notifier,
  NotifierAction,
  NotifierAnswer,
  OPEN_ATTACHMENT,
  toNotification,
} from './notifier';
import { SeenEntry, SeenStore } from './seen-store';

export interface ReceiptSink {
  add(receipt: ReceiptPayload): void;
}

/** Whether notifications can be shown, as the last attempt found; `waiting` alerts are queued to be shown. */
export interface DesktopState {
  available: boolean | null;
  reason: string | null;
  waiting: number;
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
  /** An alert with attachments came (new or again), not expired nor retracted: they are fetched in the background. */
  onAttachments?: (alert: AlertPayload) => void;
  /** A person chose the notification's "Abrir adjunto". */
  onOpenAttachments?: (id: string) => void;
  onRetracted?: (id: string) => void;
  onDesktop?: (state: DesktopState) => void;
  /** Waits between attempts while nothing can be shown. */
  retry?: BackoffOptions;
}

export type AlertOutcome = 'shown' | 'reminder' | 'duplicate' | 'in-progress' | 'expired' | 'retracted' | 'invalid';

export const SHOW_RETRY: BackoffOptions = { baseMs: 1000, capMs: 10_000 };

/** A first showing or a reminder of an alert, or an unread urgent notification that left the screen, shown again. */
type Showing = { kind: 'alert'; alert: AlertPayload } | { kind: 'again'; id: string };

type DisplayResult = 'done' | 'unavailable';

/**
 * Decides what each 'alert' and 'retract' event means for the screen and for the receipts. The server resends
 * until it hears 'delivered', so the same id arrives again and again: it is shown once (plus reminders while unread)
 * and every repeat just repeats the receipts. 'delivered' is sent only once the notifier confirmed the notification
 * is on screen; while nothing can be shown (no desktop session) alerts wait here, in order, and are tried again.
 */
export class AlertHandler {
  /** Ids waiting to be shown or being shown. */
  private readonly showing = new Set<string>();
  /**
   * Notifications are shown one at a time, in the order the alerts arrived (a site catching up gets its backlog
   * oldest first): each starts once the previous one is on screen or failed.
   */
  private readonly waiting: Showing[] = [];
  private displaying = false;
  private unavailable: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  private stopped = false;
  private reported: DesktopState = { available: null, reason: null, waiting: 0 };

  constructor(private readonly deps: AlertHandlerDeps) {
    deps.notifier.onAvailable(() => this.retryNow());
  }

  /**
   * At start: urgent alerts whose notification was on screen unread when the receiver stopped are shown again (in
   * place, where the same notification service still shows them), so a dismissal is heard again. With nothing to
   * show, asks the notifier whether it could show anything, for `status`.
   */
  resume(): void {
    const { seen, logger } = this.deps;
    for (const entry of seen.onScreen()) {
      if (this.expired(entry.screen?.expiresAt ?? null)) continue;
      logger.info(`Alert ${entry.id} was on screen unread when the receiver stopped; showing it again`);
      this.enqueue(entry.id, { kind: 'again', id: entry.id });
    }
    if (this.waiting.length === 0) void this.probe();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry();
  }

  handleAlert(payload: unknown): AlertOutcome {
    const alert = parseAlert(payload);
    if (!alert) {
      this.deps.logger.warn(`Ignored a malformed alert: ${JSON.stringify(payload)?.slice(0, 200)}`);
      return 'invalid';
    }
    const outcome = this.accept(alert);
    // Only now, so fetching them never comes before showing the alert.
    if (alert.attachments?.length && outcome !== 'retracted' && !this.expired(alert.expiresAt)) {
      this.deps.onAttachments?.(alert);
    }
    return outcome;
  }

  private accept(alert: AlertPayload): AlertOutcome {
    const { seen, logger } = this.deps;
    const entry = seen.get(alert.id);
    if (entry?.retracted) {
      logger.info(`Alert ${alert.id} was retracted; not shown`);
      return 'retracted';
    }
    const expired = this.expired(alert.expiresAt);
    if (entry && entry.shownAt !== null) {
      const reminderDue = alert.reminder > entry.reminder && entry.readAt === null && !expired;
      if (reminderDue && !this.showing.has(alert.id)) {
        logger.info(`Alert ${alert.id}: reminder ${alert.reminder}, still unread; showing it again`);
        this.enqueue(alert.id, { kind: 'alert', alert });
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
    this.enqueue(alert.id, { kind: 'alert', alert });
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
    this.deps.onRetracted?.(id);
  }

  private enqueue(id: string, item: Showing): void {
    this.showing.add(id);
    this.waiting.push(item);
    if (this.unavailable !== null && !this.displaying) {
      this.deps.logger.info(`Alert ${id} waits: ${NO_DESKTOP_SESSION}`);
    }
    // Waiting only to check again whether anything could be shown: a new alert is tried now.
    if (this.retryTimer && this.waiting.length === 1) this.cancelRetry();
    this.showNext();
    this.report(this.reported.available, this.reported.reason);
  }

  private showNext(): void {
    if (this.displaying || this.retryTimer || this.stopped) return;
    const item = this.waiting.shift();
    if (!item) return;
    const id = item.kind === 'alert' ? item.alert.id : item.id;
    const skip = this.skipReason(item);
    if (skip) {
      this.showing.delete(id);
      this.deps.logger.info(`Alert ${id} ${skip}; not shown`);
      this.showNext();
      this.report(this.reported.available, this.reported.reason);
      return;
    }
    this.displaying = true;
    let settled = false;
    const done = (result: DisplayResult) => {
      if (settled) return;
      settled = true;
      this.displaying = false;
      if (this.stopped) return;
      if (result === 'unavailable') {
        this.waiting.unshift(item);
        this.scheduleRetry();
      } else {
        this.showNext();
      }
      this.report(this.reported.available, this.reported.reason);
    };
    if (item.kind === 'alert') this.displayAlert(item.alert, done);
    else this.displayAgain(item.id, done);
  }

  /** Retracted, expired or read while it waited for the ones before it. */
  private skipReason(item: Showing): string | null {
    const entry = this.deps.seen.get(item.kind === 'alert' ? item.alert.id : item.id);
    if (entry?.retracted) return 'was retracted';
    if (item.kind === 'alert') {
      return this.expired(item.alert.expiresAt) ? `expired at ${item.alert.expiresAt}` : null;
    }
    if (!entry || entry.readAt !== null || !entry.screen) return 'was read meanwhile';
    return this.expired(entry.screen.expiresAt) ? `expired at ${entry.screen.expiresAt}` : null;
  }

  private displayAlert(alert: AlertPayload, done: (result: DisplayResult) => void): void {
    const { seen, notifier, receipts, logger } = this.deps;
    const notification: DesktopNotification = {
      ...toNotification(alert, this.deps.sound()),
      replaces: seen.get(alert.id)?.screen?.handle ?? null,
    };
    const previousReminder = seen.beginShow(alert.id, alert.reminder);
    notifier.show(notification, {
      onShown: (handle) => {
        try {
          this.showing.delete(alert.id);
          this.available();
          const shownAt = seen.markShown(alert.id);
          if (notification.urgent) {
            const { title, message, replies, attachmentAction } = notification;
            seen.setScreen(alert.id, {
              handle,
              title,
              message,
              expiresAt: alert.expiresAt,
              ...(replies ? { replies } : {}),
              ...(attachmentAction ? { attachmentAction } : {}),
            });
          }
          logger.info(`Alert ${alert.id} shown`);
          receipts.add({ id: alert.id, state: 'delivered', at: iso(shownAt) });
        } finally {
          done('done');
        }
      },
      onAnswer: (answer, reply, action) => this.answered(alert.id, notification.urgent, answer, reply, action),
      onFailed: (error) => {
        try {
          seen.abortShow(alert.id, previousReminder);
          if (error instanceof NoDesktopSessionError) {
            this.unavailableFor(alert.id, error.reason);
            done('unavailable');
            return;
          }
          this.showing.delete(alert.id);
          logger.error(`Could not show alert ${alert.id} at ${iso(this.deps.clock.now())}: ${error.message}`);
        } catch (failure) {
          logger.error(`Could not record that alert ${alert.id} was not shown: ${(failure as Error).message}`);
        }
        done('done');
      },
    });
  }

  private displayAgain(id: string, done: (result: DisplayResult) => void): void {
    const { seen, notifier, logger } = this.deps;
    const screen = seen.get(id)!.screen!;
    const notification: DesktopNotification = {
      key: id,
      title: screen.title,
      message: screen.message,
      urgent: true,
      sound: this.deps.sound(),
      replaces: screen.handle,
      ...(screen.replies ? { replies: screen.replies } : {}),
      ...(screen.attachmentAction ? { attachmentAction: screen.attachmentAction } : {}),
    };
    notifier.show(notification, {
      onShown: (handle) => {
        try {
          this.showing.delete(id);
          this.available();
          seen.setScreen(id, { ...screen, handle });
          logger.info(`Alert ${id} shown again (still unread)`);
        } finally {
          done('done');
        }
      },
      onAnswer: (answer, reply, action) => this.answered(id, true, answer, reply, action),
      onFailed: (error) => {
        if (error instanceof NoDesktopSessionError) {
          this.unavailableFor(id, error.reason);
          done('unavailable');
          return;
        }
        this.showing.delete(id);
        logger.error(`Could not show alert ${id} again: ${error.message}`);
        done('done');
      },
    });
  }

  private answered(id: string, urgent: boolean, answer: NotifierAnswer, reply?: string, action?: NotifierAction): void {
    const { seen, receipts, logger } = this.deps;
    if (this.stopped) return;
    if (answer === 'lost') {
      const entry = seen.get(id);
      if (urgent && entry?.screen && entry.readAt === null && !entry.retracted && !this.showing.has(id)) {
        logger.info(
          `Alert ${id}: its notification went away unread with the notification service; it will be shown again`,
        );
        this.enqueue(id, { kind: 'again', id });
      }
      return;
    }
    seen.setScreen(id, null);
    if (!isRead(answer)) {
      logger.info(`Alert ${id}: notification ended (${answer}), not counted as read`);
      return;
    }
    if (action === OPEN_ATTACHMENT) this.deps.onOpenAttachments?.(id);
    const readAt = seen.markRead(id);
    const how =
      action === OPEN_ATTACHMENT ? 'opened its attachment' : reply === undefined ? answer : `replied "${reply}"`;
    logger.info(`Alert ${id} read (${how})`);
    if (readAt !== null)
      receipts.add({ id, state: 'read', at: iso(readAt), ...(reply === undefined ? {} : { reply }) });
  }

  private unavailableFor(id: string, reason: string): void {
    const { logger } = this.deps;
    if (reason !== this.unavailable) {
      const others = this.showing.size - 1;
      logger.warn(
        `${capitalize(NO_DESKTOP_SESSION)} (${reason}); alert ${id}${others > 0 ? ` and ${others} more` : ''} ` +
          'will be shown once one appears, and confirmed only then',
      );
    } else {
      logger.debug(`Alert ${id} still waits: ${NO_DESKTOP_SESSION} (${reason})`);
    }
    this.unavailable = reason;
    this.report(false, reason);
  }

  private available(): void {
    if (this.unavailable !== null) {
      const left = this.showing.size;
      this.deps.logger.info(`Notifications can be shown again${left > 0 ? `; ${left} alert(s) still to show` : ''}`);
    }
    this.unavailable = null;
    this.retries = 0;
    this.report(true, null);
  }

  /**
   * While nothing can be shown: with alerts waiting, they are tried again (waits up to `retry.capMs`); with none,
   * the notifier is asked again now and then (up to 6 × that), so `status` follows a session that appeared.
   */
  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    const options = this.deps.retry ?? SHOW_RETRY;
    const idle = this.waiting.length === 0;
    const delay = backoffCeiling(this.retries++, idle ? { ...options, capMs: options.capMs * 6 } : options);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.waiting.length > 0) this.showNext();
      else void this.probe();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A notification service appeared: waiting alerts are tried at once rather than at the next retry. */
  private retryNow(): void {
    if (!this.retryTimer || this.stopped) return;
    this.cancelRetry();
    this.retries = 0;
    if (this.waiting.length > 0) this.showNext();
    else void this.probe();
  }

  private async probe(): Promise<void> {
    const reason = await this.deps.notifier.probe();
    // An alert that came meanwhile is its own, fresher, answer.
    if (this.stopped || this.displaying || this.waiting.length > 0) return;
    if (reason === null) {
      this.available();
      return;
    }
    if (reason !== this.unavailable) {
      this.deps.logger.warn(`${capitalize(NO_DESKTOP_SESSION)} (${reason}); alerts will wait until one appears`);
    }
    this.unavailable = reason;
    this.report(false, reason);
    this.scheduleRetry();
  }

  private report(available: boolean | null, reason: string | null): void {
    const state: DesktopState = { available, reason, waiting: this.showing.size };
    const last = this.reported;
    if (last.available === state.available && last.reason === state.reason && last.waiting === state.waiting) return;
    this.reported = state;
    this.deps.onDesktop?.(state);
  }

  private expired(expiresAt: string | null): boolean {
    return expiresAt !== null && Date.parse(expiresAt) <= this.deps.clock.now();
  }

  private repeatReceipts(entry: SeenEntry): void {
    if (entry.shownAt !== null) this.deps.receipts.add({ id: entry.id, state: 'delivered', at: iso(entry.shownAt) });
    if (entry.readAt !== null) this.deps.receipts.add({ id: entry.id, state: 'read', at: iso(entry.readAt) });
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
  // Replies the server offers are plain short texts; anything else is ignored rather than shown.
  const replies = Array.isArray(p.replies)
    ? p.replies.filter((r): r is string => typeof r === 'string' && r.length > 0 && r.length <= 64).slice(0, 3)
    : [];
  // Attachments that do not say what to check (id, size, SHA-256) are not fetched.
  const attachments = Array.isArray(p.attachments) ? p.attachments.filter(isAttachment).slice(0, 10) : [];
  return {
    id: p.id as string,
    text: p.text as string,
    priority: p.priority as AlertPayload['priority'],
    sender: p.sender as string,
    sentAt: p.sentAt as string,
    expiresAt: (p.expiresAt as string | null | undefined) ?? null,
    reminder: reminder as number,
    ...(replies.length ? { replies } : {}),
    ...(attachments.length
      ? { attachments: attachments.map(({ id, name, size, mime, sha256 }) => ({ id, name, size, mime, sha256 })) }
      : {}),
  };
}
