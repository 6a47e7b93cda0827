import type { AlertPayload } from '@avisa/contracts';
import NotificationCenter from 'node-notifier/notifiers/notificationcenter';
import NotifySend from 'node-notifier/notifiers/notifysend';
import WindowsToaster from 'node-notifier/notifiers/toaster';
import { Logger } from './logger';

export interface DesktopNotification {
  key: string;
  title: string;
  message: string;
  urgent: boolean;
  sound: boolean;
}

/**
 * How a notification ended. `closed` is a close whose cause is unknown (a person or the expiry timer): on Linux
 * it only counts as read for urgent alerts, which never expire.
 */
export type NotifierAnswer = 'clicked' | 'dismissed' | 'closed' | 'timeout' | 'none';

export interface ShowHandlers {
  onShown(): void;
  onAnswer(answer: NotifierAnswer): void;
  onFailed(error: Error): void;
}

export interface Notifier {
  show(notification: DesktopNotification, handlers: ShowHandlers): void;
  /** Best effort; false when the platform's notifier cannot close a notification. */
  close(key: string): boolean;
}

export interface NotifierBackend {
  notify(notification: DesktopNotification, done: (error: Error | null, answer: NotifierAnswer) => void): void;
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
  };
}

export function isRead(answer: NotifierAnswer, urgent: boolean): boolean {
  return answer === 'clicked' || answer === 'dismissed' || (answer === 'closed' && urgent);
}

/**
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
    const timer = setTimeout(() => settle(() => handlers.onShown()), this.shownAfterMs);
    const done = (error: Error | null, answer: NotifierAnswer) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      if (error) {
        if (!settle(() => handlers.onFailed(error))) {
          this.logger.warn(`Notifier for alert ${notification.key} failed after showing it: ${error.message}`);
        }
        return;
      }
      settle(() => handlers.onShown());
      if (answer !== 'none') handlers.onAnswer(answer);
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
}

/** The body as plain text for notify-send: it expands backslash escapes and daemons render body markup. */
export function plainNotifySendBody(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** What the notify-send command printed last: our wrapper prints `activated` or `closed`, notify-send an action name. */
export function parseCommandAnswer(stdout: unknown): NotifierAnswer {
  const last =
    String(stdout ?? '')
      .trim()
      .split(/\r?\n/)
      .pop()
      ?.trim()
      .toLowerCase() ?? '';
  if (['activated', 'activate', 'clicked', 'default'].includes(last)) return 'clicked';
  if (last === 'dismissed') return 'dismissed';
  if (last === 'closed') return 'closed';
  if (['timeout', 'timedout', 'expired'].includes(last)) return 'timeout';
  return 'none';
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

export function notifySendOptions(n: DesktopNotification): NotifySend.Notification & { 'app-name': string } {
  return {
    title: n.title,
    message: plainNotifySendBody(n.message),
    urgency: n.urgent ? 'critical' : 'normal',
    // node-notifier turns `wait: true` into a 5-second expiry on notify-send, so it is not used; 0 means "never".
    timeout: n.urgent ? 0 : 10,
    hint: n.sound ? 'string:sound-name:message-new-instant' : 'boolean:suppress-sound:true',
    'app-name': 'Avisa',
  };
}

/**
 * Linux and BSD: node-notifier's NotifySend runs `notify-send` from PATH (it has no customPath) and hands back
 * its stdout; clicks come back only through a command that waits and prints the answer (bin/avisa-notify-send).
 */
export class NotifySendBackend implements NotifierBackend {
  private readonly notifier = new NotifySend({ withFallback: false });

  constructor(private readonly logger: Logger) {}

  notify(n: DesktopNotification, done: (error: Error | null, answer: NotifierAnswer) => void): void {
    this.notifier.notify(notifySendOptions(n), (error: unknown, stdout: unknown) => {
      if (error instanceof Error) return done(error, 'none');
      if (typeof error === 'string' && error.trim()) this.logger.debug(`notify-send said: ${error.trim()}`);
      done(null, parseCommandAnswer(stdout));
    });
  }

  close(): boolean {
    return false;
  }
}

/** Windows 8+: SnoreToast (or `customPath`), which reports activated / dismissed / timedout through a named pipe. */
export class ToasterBackend implements NotifierBackend {
  private readonly notifier: WindowsToaster;
  private readonly toastIds = new Map<string, number>();
  private nextToastId = 1;

  constructor(customPath: string | null) {
    this.notifier = new WindowsToaster({ withFallback: false, customPath: customPath ?? undefined });
  }

  notify(n: DesktopNotification, done: (error: Error | null, answer: NotifierAnswer) => void): void {
    const id = this.nextToastId++;
    this.toastIds.set(n.key, id);
    this.notifier.notify({ title: n.title, message: n.message, sound: n.sound, id, wait: true }, (error, response) => {
      if (this.toastIds.get(n.key) === id) this.toastIds.delete(n.key);
      done(error instanceof Error ? error : null, parseNodeNotifierAnswer(response));
    });
  }

  close(key: string): boolean {
    const id = this.toastIds.get(key);
    if (id === undefined) return false;
    this.notifier.notify({ close: id } as WindowsToaster.Notification);
    return true;
  }
}

export class NotificationCenterBackend implements NotifierBackend {
  private readonly notifier: NotificationCenter;

  constructor(customPath: string | null) {
    this.notifier = new NotificationCenter({ withFallback: false, customPath: customPath ?? undefined });
  }

  notify(n: DesktopNotification, done: (error: Error | null, answer: NotifierAnswer) => void): void {
    const options = { title: n.title, message: n.message, sound: n.sound, wait: true, timeout: n.urgent ? 86_400 : 10 };
    this.notifier.notify(options, (error, response) => {
      done(error instanceof Error ? error : null, parseNodeNotifierAnswer(response));
    });
  }

  close(): boolean {
    return false;
  }
}

export function createNotifierBackend(
  platform: NodeJS.Platform,
  command: string | null,
  logger: Logger,
): NotifierBackend {
  if (platform === 'win32') return new ToasterBackend(command);
  if (platform === 'darwin') return new NotificationCenterBackend(command);
  return new NotifySendBackend(logger);
}
