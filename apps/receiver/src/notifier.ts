import type { AlertPayload } from '@avisa/contracts';
import NotificationCenter from 'node-notifier/notifiers/notificationcenter';
import WindowsToaster from 'node-notifier/notifiers/toaster';
import { Logger } from './logger';

export interface DesktopNotification {
  key: string;
  title: string;
  message: string;
  urgent: boolean;
  sound: boolean;
  /** The handle `onShown` gave for this alert's notification still on screen: replace it in place. */
  replaces?: string | null;
  /** Quick replies, offered as the notification's actions (buttons) where the platform has them. */
  replies?: string[];
  /** The label of the action that opens the alert's attachments ("Abrir adjunto"); absent without attachments. */
  attachmentAction?: string;
}

/** The action key (D-Bus, notify-send) that opens the alert's attachment, or its folder when it has several. */
export const OPEN_ATTACHMENT = 'open-attachment';

export function attachmentActionLabel(count: number): string | undefined {
  if (count <= 0) return undefined;
  return count === 1 ? 'Abrir adjunto' : 'Abrir adjuntos';
}

/**
 * How a notification ended. `clicked` (its default action) and `dismissed` (closed by the person) are a reading;
 * `timeout` (it expired), `closed` (closed by a program: a retraction, a daemon replacing it) and `lost` (the
 * notification service went away with it) are not.
 */
export type NotifierAnswer = 'clicked' | 'dismissed' | 'closed' | 'timeout' | 'lost' | 'none';

/** An action besides the click and the quick replies: opening the alert's attachments. */
export type NotifierAction = typeof OPEN_ATTACHMENT;

export interface ShowHandlers {
  /** On screen, as the notification service confirmed; `handle` identifies it for a later replacement, if any. */
  onShown(handle: string | null): void;
  /**
   * `reply`: the quick reply the person chose (its action), which is a click too; `action`: another action chosen
   * (a click as well), such as opening the attachment.
   */
  onAnswer(answer: NotifierAnswer, reply?: string, action?: NotifierAction): void;
  onFailed(error: Error): void;
}

export const NO_DESKTOP_SESSION = 'no desktop session to show alerts';

/** Nothing can be shown now (no session bus, no notification service, or one that failed): the alert must wait. */
export class NoDesktopSessionError extends Error {
  constructor(readonly reason: string) {
    super(`${NO_DESKTOP_SESSION} (${reason})`);
    this.name = 'NoDesktopSessionError';
  }
}

export interface Notifier {
  show(notification: DesktopNotification, handlers: ShowHandlers): void;
  /** Best effort; false when the platform's notifier cannot close a notification. */
  close(key: string): boolean;
  /** `listener` runs whenever a notification service appears, so waiting alerts are tried at once. */
  onAvailable(listener: () => void): void;
  /** Whether notifications can be shown now: null if so, else why not. */
  probe(): Promise<string | null>;
  /** Lets go of the session bus and ends any notifier process still running. */
  dispose(): Promise<void>;
}

export type BackendDone = (
  error: Error | null,
  answer: NotifierAnswer,
  reply?: string,
  action?: NotifierAction,
) => void;

export interface NotifierBackend {
  notify(notification: DesktopNotification, done: BackendDone): void;
  close(key: string): boolean;
}

const MAX_MESSAGE = 4000;

export function notificationTitle(alert: Pick<AlertPayload, 'priority' | 'sender' | 'reminder'>): string {
  const head = alert.priority === 'urgent' ? 'URGENTE' : 'Aviso';
  return `${head} — ${alert.sender}${alert.reminder > 0 ? ' (recordatorio)' : ''}`;
}

export function toNotification(alert: AlertPayload, sound: boolean): DesktopNotification {
  const text = [...alert.text]
    .filter((c) => c === '\n' || c === '\t' || c.charCodeAt(0) >= 32)
    .join('')
    .trim();
  return {
    key: alert.id,
    title: notificationTitle(alert),
    message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text || '(sin texto)',
    urgent: alert.priority === 'urgent',
    sound,
    ...(alert.replies?.length ? { replies: alert.replies } : {}),
    ...(alert.attachments?.length ? { attachmentAction: attachmentActionLabel(alert.attachments.length) } : {}),
  };
}

export function isRead(answer: NotifierAnswer): boolean {
  return answer === 'clicked' || answer === 'dismissed';
}

/**
 * Windows and macOS, through node-notifier.
 * Turns a notifier run into exactly one of shown / failed, then at most one answer. node-notifier only calls back
 * when the notifier process ends, which for a notification that waits for the user is when someone acts on it; a
 * run still going after `shownAfterMs` without an error therefore means the notification is on screen.
 */
export class DesktopNotifier implements Notifier {
  constructor(
    private readonly backend: NotifierBackend,
    private readonly logger: Logger,
    private readonly shownAfterMs = 1000,
  ) {}

  show(notification: DesktopNotification, handlers: ShowHandlers): void {
    let settled = false;
    let ended = false;
    const settle = (action: () => void): boolean => {
      if (settled) return false;
      settled = true;
      action();
      return true;
    };
    const timer = setTimeout(() => settle(() => handlers.onShown(null)), this.shownAfterMs);
    const done: BackendDone = (error, answer, reply, action) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (error) {
        if (!settle(() => handlers.onFailed(error))) {
          this.logger.warn(`Notifier for alert ${notification.key} failed after showing it: ${error.message}`);
        }
        return;
      }
      settle(() => handlers.onShown(null));
      if (answer === 'none') return;
      if (action !== undefined) handlers.onAnswer(answer, undefined, action);
      else if (reply === undefined) handlers.onAnswer(answer);
      else handlers.onAnswer(answer, reply);
    };
    try {
      this.backend.notify(notification, done);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), 'none');
    }
  }

  close(key: string): boolean {
    return this.backend.close(key);
  }

  onAvailable(): void {}

  probe(): Promise<string | null> {
    return Promise.resolve(null);
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

export function parseNodeNotifierAnswer(response: unknown): NotifierAnswer {
  switch (typeof response === 'string' ? response.toLowerCase() : '') {
    case 'activate':
      return 'clicked';
    case 'dismissed':
    case 'closed':
      return 'dismissed';
    case 'timeout':
      return 'timeout';
    default:
      return 'none';
  }
}

/** SnoreToast reports a button as `action=buttonClicked;button=<its text>;`: the text must be one offered. */
export function toastReply(metadata: unknown, replies: readonly string[] | undefined): string | undefined {
  const m = metadata as { action?: unknown; button?: unknown } | undefined;
  if (m?.action !== 'buttonClicked' || typeof m.button !== 'string') return undefined;
  return replies?.find((reply) => reply === m.button);
}

/** The SnoreToast button that opens the attachment; a quick reply with the same text is taken as the reply. */
export function toastOpensAttachment(
  metadata: unknown,
  n: Pick<DesktopNotification, 'replies' | 'attachmentAction'>,
): boolean {
  const m = metadata as { action?: unknown; button?: unknown } | undefined;
  return (
    m?.action === 'buttonClicked' &&
    n.attachmentAction !== undefined &&
    m.button === n.attachmentAction &&
    toastReply(metadata, n.replies) === undefined
  );
}

/** Windows 8+: SnoreToast (or `customPath`), which reports activated / dismissed / timedout through a named pipe. */
export class ToasterBackend implements NotifierBackend {
  private readonly notifier: WindowsToaster;
  private readonly toastIds = new Map<string, number>();
  private nextToastId = 1;

  constructor(customPath: string | null) {
    this.notifier = new WindowsToaster({ withFallback: false, customPath: customPath ?? undefined });
  }

  notify(n: DesktopNotification, done: BackendDone): void {
    const id = this.nextToastId++;
    this.toastIds.set(n.key, id);
    this.notifier.notify(toastOptions(n, id), (error, response, metadata) => {
      if (this.toastIds.get(n.key) === id) this.toastIds.delete(n.key);
      const failure = error instanceof Error ? error : null;
      if (toastOpensAttachment(metadata, n)) return done(failure, 'clicked', undefined, OPEN_ATTACHMENT);
      const reply = toastReply(metadata, n.replies);
      done(failure, reply ? 'clicked' : parseNodeNotifierAnswer(response), reply);
    });
  }

  close(key: string): boolean {
    const id = this.toastIds.get(key);
    if (id === undefined) return false;
    this.notifier.notify({ close: id } as WindowsToaster.Notification);
    return true;
  }
}

/** SnoreToast's options: the attachment's button, then the quick replies. */
export function toastOptions(n: DesktopNotification, id: number): WindowsToaster.Notification {
  const buttons = [...(n.attachmentAction ? [n.attachmentAction] : []), ...(n.replies ?? [])];
  return {
    title: n.title,
    message: n.message,
    sound: n.sound,
    id,
    wait: true,
    ...(buttons.length ? { actions: buttons } : {}),
  };
}

export class NotificationCenterBackend implements NotifierBackend {
  private readonly notifier: NotificationCenter;

  constructor(customPath: string | null) {
    this.notifier = new NotificationCenter({ withFallback: false, customPath: customPath ?? undefined });
  }

  notify(n: DesktopNotification, done: BackendDone): void {
    const options = { title: n.title, message: n.message, sound: n.sound, wait: true, timeout: n.urgent ? 86_400 : 10 };
    this.notifier.notify(options, (error, response) => {
      done(error instanceof Error ? error : null, parseNodeNotifierAnswer(response));
    });
  }

  close(): boolean {
    return false;
  }
}

export function createNotifierBackend(platform: 'win32' | 'darwin', command: string | null): NotifierBackend {
  return platform === 'win32' ? new ToasterBackend(command) : new NotificationCenterBackend(command);
}
