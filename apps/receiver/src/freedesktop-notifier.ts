import { Logger } from './logger';
import {
  DesktopNotification,
  NoDesktopSessionError,
  Notifier,
  NotifierAnswer,
  OPEN_ATTACHMENT,
  ShowHandlers,
} from './notifier';
import { BusError, BusSignal, NO_REPLY, NoSessionBusError, SessionBusConnection } from './session-bus';

const SERVICE = 'org.freedesktop.Notifications';
const OBJECT = '/org/freedesktop/Notifications';
const NOTIFICATIONS = { destination: SERVICE, path: OBJECT, interface: SERVICE };
const BUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
const NORMAL_EXPIRY_MS = 10_000;
const URGENCY_NORMAL = 1;
const URGENCY_CRITICAL = 2;
/** Close and action signals that came before the Notify reply they belong to was handled. */
const MAX_UNCLAIMED = 100;

export type BusConnector = () => Promise<SessionBusConnection>;

interface Daemon {
  owner: string;
  name: string;
  actions: boolean;
  markup: boolean;
}

interface OnScreen {
  key: string;
  summary: string;
  body: string;
  urgent: boolean;
  replies: string[];
  attachmentAction: string | undefined;
  handlers: ShowHandlers;
}

/** A quick reply's action key: `reply-0`, `reply-1`…; `default` stays the click on the notification itself. */
const replyAction = (index: number) => `reply-${index}`;

/** `default` (the click), then `open-attachment` when the alert has attachments, then the quick replies. */
export function notificationActions(replies: readonly string[], attachmentAction?: string): string[] {
  return [
    'default',
    'Abrir',
    ...(attachmentAction ? [OPEN_ATTACHMENT, attachmentAction] : []),
    ...replies.flatMap((reply, i) => [replyAction(i), reply]),
  ];
}

interface Answer {
  answer: NotifierAnswer;
  action?: string;
}

/** NotificationClosed's reason: 1 expired, 2 dismissed by the user, 3 closed by CloseNotification, 4 undefined. */
export function closeAnswer(reason: number): NotifierAnswer {
  if (reason === 1) return 'timeout';
  if (reason === 2) return 'dismissed';
  return 'closed';
}

export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Linux and BSD: talks to the desktop's notification service (org.freedesktop.Notifications) over the session bus.
 * A notification counts as shown only when Notify returned its id; how it ended comes from the service's
 * NotificationClosed and ActionInvoked signals. No process is started.
 */
export class FreedesktopNotifier implements Notifier {
  private bus: SessionBusConnection | null = null;
  private connecting: Promise<SessionBusConnection> | null = null;
  private daemon: Daemon | null = null;
  private daemonLookup: Promise<Daemon> | null = null;
  private readonly onScreen = new Map<number, OnScreen>();
  private readonly unclaimed = new Map<number, Answer>();
  private readonly availableListeners: (() => void)[] = [];
  private disposed = false;

  constructor(
    private readonly connect: BusConnector,
    private readonly logger: Logger,
  ) {}

  show(notification: DesktopNotification, handlers: ShowHandlers): void {
    this.notify(notification, handlers).then(
      (handle) => handlers.onShown(handle),
      (error: unknown) => handlers.onFailed(asNoDesktopSession(error)),
    );
  }

  close(key: string): boolean {
    const id = this.idOf(key);
    const bus = this.bus;
    if (id === null || !bus) return false;
    bus
      .call({ ...NOTIFICATIONS, member: 'CloseNotification', signature: 'u', body: [id] })
      .catch((error: Error) => this.logger.debug(`CloseNotification ${id} failed: ${error.message}`));
    return true;
  }

  onAvailable(listener: () => void): void {
    this.availableListeners.push(listener);
  }

  async probe(): Promise<string | null> {
    try {
      await this.daemonOn(await this.session());
      return null;
    } catch (error) {
      return asNoDesktopSession(error).reason;
    }
  }

  dispose(): Promise<void> {
    this.disposed = true;
    // What is on screen stays there; the next start shows unread urgent alerts again in their place.
    this.onScreen.clear();
    this.bus?.close();
    this.bus = null;
    return Promise.resolve();
  }

  private async notify(n: DesktopNotification, handlers: ShowHandlers): Promise<string> {
    const bus = await this.session();
    const daemon = await this.daemonOn(bus);
    const replacesId = this.replacementFor(n, bus, daemon);
    const body = daemon.markup ? escapeMarkup(n.message) : n.message;
    const summary = this.distinctSummary(n.title, body, n.urgent, replacesId);
    const hints: [string, [string, unknown]][] = [['urgency', ['y', n.urgent ? URGENCY_CRITICAL : URGENCY_NORMAL]]];
    hints.push(n.sound ? ['sound-name', ['s', 'message-new-instant']] : ['suppress-sound', ['b', true]]);
    const [reply] = await bus.call({
      ...NOTIFICATIONS,
      member: 'Notify',
      signature: 'susssasa{sv}i',
      body: [
        'Avisa',
        replacesId,
        '',
        summary,
        body,
        daemon.actions ? notificationActions(n.replies ?? [], n.attachmentAction) : [],
        hints,
        n.urgent ? 0 : NORMAL_EXPIRY_MS,
      ],
    });
    const id = Number(reply);
    if (!Number.isInteger(id) || id <= 0) {
      throw new NoDesktopSessionError(`${daemon.name} discarded the notification (id ${String(reply)})`);
    }
    if (this.bus !== bus || this.daemon !== daemon) {
      throw new NoDesktopSessionError(`${daemon.name} went away while showing the notification`);
    }
    for (const [other, entry] of this.onScreen) if (entry.key === n.key && other !== id) this.onScreen.delete(other);
    this.onScreen.set(id, {
      key: n.key,
      summary,
      body,
      urgent: n.urgent,
      replies: n.replies ?? [],
      attachmentAction: n.attachmentAction,
      handlers,
    });
    const early = this.unclaimed.get(id);
    if (early) {
      this.unclaimed.delete(id);
      queueMicrotask(() => this.answer(id, early));
    }
    return `${bus.id}/${daemon.owner}/${id}`;
  }

  private session(): Promise<SessionBusConnection> {
    if (this.disposed) return Promise.reject(new NoDesktopSessionError('the receiver is stopping'));
    if (this.bus) return Promise.resolve(this.bus);
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<SessionBusConnection> {
    const bus = await this.connect();
    if (this.disposed) {
      bus.close();
      throw new NoDesktopSessionError('the receiver is stopping');
    }
    bus.onSignal((signal) => this.onSignal(bus, signal));
    bus.onClosed((reason) => this.onBusClosed(bus, reason));
    const match = (rule: string) =>
      bus.call({ ...BUS, member: 'AddMatch', signature: 's', body: [rule] }).catch((error: Error) => {
        this.logger.warn(`Could not subscribe to ${rule} on the session bus: ${error.message}`);
      });
    await match(`type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${SERVICE}'`);
    await match(`type='signal',interface='${SERVICE}',path='${OBJECT}'`);
    this.bus = bus;
    this.logger.info(`Connected to the session bus at ${bus.address}`);
    return bus;
  }

  /** Asking for the capabilities starts a notification service that D-Bus can activate. */
  private daemonOn(bus: SessionBusConnection): Promise<Daemon> {
    if (this.daemon) return Promise.resolve(this.daemon);
    this.daemonLookup ??= (async () => {
      const [capabilities] = await bus.call({ ...NOTIFICATIONS, member: 'GetCapabilities' });
      const [owner] = await bus.call({ ...BUS, member: 'GetNameOwner', signature: 's', body: [SERVICE] });
      const info = await bus.call({ ...NOTIFICATIONS, member: 'GetServerInformation' }).catch(() => []);
      const caps = Array.isArray(capabilities) ? capabilities.map(String) : [];
      const daemon: Daemon = {
        owner: String(owner),
        name: info.length >= 3 ? `${String(info[0])} ${String(info[2])}` : 'the notification service',
        actions: caps.includes('actions'),
        markup: caps.includes('body-markup'),
      };
      if (this.bus === bus) this.daemon = daemon;
      this.logger.info(
        `Notifications shown by ${daemon.name} (${daemon.owner}); clicks ${daemon.actions ? 'reported' : 'not reported'}`,
      );
      return daemon;
    })().finally(() => (this.daemonLookup = null));
    return this.daemonLookup;
  }

  private replacementFor(n: DesktopNotification, bus: SessionBusConnection, daemon: Daemon): number {
    const current = this.idOf(n.key);
    if (current !== null) return current;
    const [busId, owner, id] = (n.replaces ?? '').split('/');
    const previous = Number(id);
    return busId === bus.id && owner === daemon.owner && Number.isInteger(previous) && previous > 0 ? previous : 0;
  }

  /**
   * Daemons such as dunst merge a notification into an identical one on screen and close the first (dunst compares
   * app, summary, body, icon and urgency; stack tags do not stop it), so two alerts with the same text must differ.
   */
  private distinctSummary(title: string, body: string, urgent: boolean, replacing: number): string {
    const taken = new Set(
      [...this.onScreen]
        .filter(([id, e]) => id !== replacing && e.body === body && e.urgent === urgent)
        .map(([, e]) => e.summary),
    );
    if (!taken.has(title)) return title;
    for (let n = 2; ; n++) if (!taken.has(`${title} (${n})`)) return `${title} (${n})`;
  }

  private idOf(key: string): number | null {
    for (const [id, entry] of this.onScreen) if (entry.key === key) return id;
    return null;
  }

  private onSignal(bus: SessionBusConnection, signal: BusSignal): void {
    if (bus !== this.bus) return;
    if (signal.member === 'NameOwnerChanged' && signal.body[0] === SERVICE) {
      const [, oldOwner, newOwner] = signal.body.map(String);
      if (this.daemon && oldOwner === this.daemon.owner) this.daemonGone(`${this.daemon.name} left the session bus`);
      if (newOwner) for (const listener of this.availableListeners) listener();
      return;
    }
    if (signal.interface !== SERVICE || signal.path !== OBJECT) return;
    if (this.daemon && signal.sender !== this.daemon.owner) return;
    const id = Number(signal.body[0]);
    if (signal.member === 'ActionInvoked') {
      if (this.answer(id, { answer: 'clicked', action: String(signal.body[1]) })) {
        // Some daemons leave a notification up after its action; it has been read, so it goes.
        bus
          .call({ ...NOTIFICATIONS, member: 'CloseNotification', signature: 'u', body: [id] })
          .catch((error: Error) => this.logger.debug(`CloseNotification ${id} failed: ${error.message}`));
      }
    } else if (signal.member === 'NotificationClosed') {
      this.answer(id, { answer: closeAnswer(Number(signal.body[1])) });
    }
  }

  private answer(id: number, answer: Answer): boolean {
    const entry = this.onScreen.get(id);
    if (!entry) {
      this.unclaimed.set(id, answer);
      if (this.unclaimed.size > MAX_UNCLAIMED) this.unclaimed.delete(this.unclaimed.keys().next().value!);
      return false;
    }
    this.onScreen.delete(id);
    const index = entry.replies.findIndex((_, i) => replyAction(i) === answer.action);
    if (index >= 0) entry.handlers.onAnswer(answer.answer, entry.replies[index]);
    else if (answer.action === OPEN_ATTACHMENT && entry.attachmentAction) {
      entry.handlers.onAnswer(answer.answer, undefined, OPEN_ATTACHMENT);
    } else entry.handlers.onAnswer(answer.answer);
    return true;
  }

  private onBusClosed(bus: SessionBusConnection, reason: string): void {
    if (bus !== this.bus) return;
    this.bus = null;
    if (!this.disposed) this.logger.warn(`Lost the session bus: ${reason}`);
    this.daemonGone('the session bus went away');
  }

  private daemonGone(reason: string): void {
    this.daemon = null;
    this.unclaimed.clear();
    const lost = [...this.onScreen.values()];
    this.onScreen.clear();
    if (lost.length > 0) this.logger.warn(`${lost.length} notification(s) left the screen with it: ${reason}`);
    for (const entry of lost) entry.handlers.onAnswer('lost');
  }
}

function asNoDesktopSession(error: unknown): NoDesktopSessionError {
  if (error instanceof NoDesktopSessionError) return error;
  if (error instanceof NoSessionBusError) return new NoDesktopSessionError(error.message);
  if (error instanceof BusError) {
    if (
      error.errorName === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
      error.errorName === 'org.freedesktop.DBus.Error.NameHasNoOwner'
    ) {
      return new NoDesktopSessionError('no notification service on the session bus');
    }
    if (error.errorName.startsWith('org.freedesktop.DBus.Error.Spawn.')) {
      return new NoDesktopSessionError(`the notification service could not start: ${error.detail || error.errorName}`);
    }
    if (error.errorName === NO_REPLY) {
      return new NoDesktopSessionError(`the notification service did not answer: ${error.detail}`);
    }
    return new NoDesktopSessionError(`the notification service refused the notification: ${error.message}`);
  }
  return new NoDesktopSessionError((error as Error)?.message ?? String(error));
}
