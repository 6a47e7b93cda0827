import { jest } from '@jest/globals';
import { FreedesktopNotifier } from './freedesktop-notifier';
import { DesktopNotification, NoDesktopSessionError, NotifierAnswer, ShowHandlers } from './notifier';
import { BusCall, BusError, BusSignal, NoSessionBusError, SessionBusConnection } from './session-bus';
import { MemoryLogger } from '../test/utils';

const SERVICE = 'org.freedesktop.Notifications';

/** A session bus with a notification daemon behind it, answering as dunst does. */
class FakeBus implements SessionBusConnection {
  readonly id = 'bus-1';
  readonly address = 'unix:path=/run/user/1000/bus';
  readonly calls: BusCall[] = [];
  capabilities = ['actions', 'body', 'body-markup'];
  owner = ':1.7';
  nextId = 1;
  failures = new Map<string, Error>();
  /** Runs inside Notify before it answers, as a daemon that signals before its reply is handled. */
  duringNotify: (id: number) => void = () => {};
  closed = false;
  private signalListeners: ((signal: BusSignal) => void)[] = [];
  private closedListeners: ((reason: string) => void)[] = [];

  async call(message: BusCall): Promise<unknown[]> {
    this.calls.push(message);
    const failure = this.failures.get(message.member);
    if (failure) throw failure;
    switch (message.member) {
      case 'GetCapabilities':
        return [this.capabilities];
      case 'GetNameOwner':
        return [this.owner];
      case 'GetServerInformation':
        return ['dunst', 'dunst-project', '1.9.0', '1.2'];
      case 'Notify': {
        const requested = Number(message.body![1]);
        const id = requested > 0 ? requested : this.nextId++;
        this.duringNotify(id);
        return [id];
      }
      default:
        return [];
    }
  }

  onSignal(listener: (signal: BusSignal) => void): void {
    this.signalListeners.push(listener);
  }

  onClosed(listener: (reason: string) => void): void {
    this.closedListeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.lose('closed by the receiver');
  }

  lose(reason: string): void {
    for (const listener of this.closedListeners) listener(reason);
    this.closedListeners = [];
  }

  emit(member: string, body: unknown[], sender = this.owner): void {
    const signal = { sender, path: '/org/freedesktop/Notifications', interface: SERVICE, member, body };
    for (const listener of this.signalListeners) listener(signal);
  }

  ownerChanged(oldOwner: string, newOwner: string): void {
    const signal = {
      sender: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameOwnerChanged',
      body: [SERVICE, oldOwner, newOwner],
    };
    for (const listener of this.signalListeners) listener(signal);
  }

  notifies(): unknown[][] {
    return this.calls.filter((c) => c.member === 'Notify').map((c) => c.body!);
  }
}

const urgent: DesktopNotification = {
  key: 'a1',
  title: 'URGENTE — Soporte',
  message: 'Caja <1> & TPV',
  urgent: true,
  sound: true,
};

interface Recorded {
  shown: (string | null)[];
  answers: NotifierAnswer[];
  replies: string[];
  actions: string[];
  failures: Error[];
}

function setup() {
  const buses: FakeBus[] = [];
  let connectError: Error | null = null;
  const connector = jest.fn(async () => {
    if (connectError) throw connectError;
    const bus = new FakeBus();
    buses.push(bus);
    return bus;
  });
  const sut = new FreedesktopNotifier(connector, new MemoryLogger());
  const show = async (n: DesktopNotification): Promise<Recorded> => {
    const recorded: Recorded = { shown: [], answers: [], replies: [], actions: [], failures: [] };
    const handlers: ShowHandlers = {
      onShown: (handle) => recorded.shown.push(handle),
      onAnswer: (answer, reply, action) => {
        recorded.answers.push(answer);
        if (reply !== undefined) recorded.replies.push(reply);
        if (action !== undefined) recorded.actions.push(action);
      },
      onFailed: (error) => recorded.failures.push(error),
    };
    sut.show(n, handlers);
    await new Promise((done) => setImmediate(done));
    return recorded;
  };
  return {
    sut,
    show,
    connector,
    bus: () => buses[buses.length - 1],
    failConnect: (error: Error | null) => (connectError = error),
  };
}

describe('FreedesktopNotifier', () => {
  it('counts a notification as shown only once Notify returned its id, and says how to replace it', async () => {
    const { show, bus } = setup();
    const shown = await show(urgent);
    expect(shown).toEqual({ shown: ['bus-1/:1.7/1'], answers: [], replies: [], actions: [], failures: [] });
    expect(bus().notifies()).toEqual([
      [
        'Avisa',
        0,
        '',
        'URGENTE — Soporte',
        'Caja &lt;1&gt; &amp; TPV',
        ['default', 'Abrir'],
        [
          ['urgency', ['y', 2]],
          ['sound-name', ['s', 'message-new-instant']],
        ],
        0,
      ],
    ]);
  });

  it('sends a normal alert that expires after 10 s, silent when asked; plain text and no action where the daemon has neither', async () => {
    const { show, bus } = setup();
    await show({ ...urgent, urgent: false, sound: false });
    expect(bus().notifies()[0].slice(4)).toEqual([
      'Caja &lt;1&gt; &amp; TPV',
      ['default', 'Abrir'],
      [
        ['urgency', ['y', 1]],
        ['suppress-sound', ['b', true]],
      ],
      10_000,
    ]);

    const bare = setup();
    const daemonWithout = new FakeBus();
    daemonWithout.capabilities = ['body'];
    bare.connector.mockImplementationOnce(async () => daemonWithout);
    await bare.show(urgent);
    expect(daemonWithout.notifies()[0].slice(3, 6)).toEqual(['URGENTE — Soporte', 'Caja <1> & TPV', []]);
  });

  it('takes a click (the default action) and a dismissal by the user as reads, an expiry and a close by a program not', async () => {
    const { show, bus } = setup();
    const clicked = await show({ ...urgent, key: 'c' });
    const dismissed = await show({ ...urgent, key: 'd', message: 'otro' });
    const expired = await show({ ...urgent, key: 'e', message: 'uno más' });
    const closed = await show({ ...urgent, key: 'f', message: 'y otro' });
    bus().emit('ActionInvoked', [1, 'default']);
    bus().emit('NotificationClosed', [1, 3]);
    bus().emit('NotificationClosed', [2, 2]);
    bus().emit('NotificationClosed', [3, 1]);
    bus().emit('NotificationClosed', [4, 3]);
    expect([clicked, dismissed, expired, closed].map((r) => r.answers)).toEqual([
      ['clicked'],
      ['dismissed'],
      ['timeout'],
      ['closed'],
    ]);
    // The clicked one is closed: it has been read, and dunst's action leaves it up.
    expect(
      bus()
        .calls.filter((c) => c.member === 'CloseNotification')
        .map((c) => c.body),
    ).toEqual([[1]]);
  });

  it("offers an alert's quick replies as actions, and reports the one chosen as a click with its text", async () => {
    const { show, bus } = setup();
    const asked = await show({ ...urgent, replies: ['Recibido', 'Llamadme'] });
    expect(bus().notifies()[0][5]).toEqual(['default', 'Abrir', 'reply-0', 'Recibido', 'reply-1', 'Llamadme']);
    const plain = await show({ ...urgent, key: 'b', message: 'otro', replies: ['Recibido'] });
    bus().emit('ActionInvoked', [1, 'reply-1']);
    bus().emit('ActionInvoked', [2, 'default']);
    expect(asked).toMatchObject({ answers: ['clicked'], replies: ['Llamadme'] });
    expect(plain).toMatchObject({ answers: ['clicked'], replies: [] });
  });

  it('offers "Abrir adjunto" as an action before the replies, and reports it as a click that opens it', async () => {
    const { show, bus } = setup();
    const asked = await show({ ...urgent, replies: ['Recibido'], attachmentAction: 'Abrir adjunto' });
    expect(bus().notifies()[0][5]).toEqual([
      'default',
      'Abrir',
      'open-attachment',
      'Abrir adjunto',
      'reply-0',
      'Recibido',
    ]);
    const without = await show({ ...urgent, key: 'b', message: 'sin adjunto' });
    expect(bus().notifies()[1][5]).toEqual(['default', 'Abrir']);
    bus().emit('ActionInvoked', [1, 'open-attachment']);
    bus().emit('ActionInvoked', [2, 'open-attachment']);
    expect(asked).toMatchObject({ answers: ['clicked'], replies: [], actions: ['open-attachment'] });
    expect(without).toMatchObject({ answers: ['clicked'], actions: [] });
  });

  it('ignores signals from another sender and for notifications it did not show', async () => {
    const { show, bus } = setup();
    const shown = await show(urgent);
    bus().emit('NotificationClosed', [1, 2], ':1.99');
    bus().emit('NotificationClosed', [42, 2]);
    expect(shown.answers).toEqual([]);
  });

  it('hears a close that came before the Notify reply was handled', async () => {
    const { show, bus, sut } = setup();
    await sut.probe();
    bus().duringNotify = (id) => bus().emit('NotificationClosed', [id, 2]);
    const shown = await show(urgent);
    expect(shown.shown).toEqual(['bus-1/:1.7/1']);
    expect(shown.answers).toEqual(['dismissed']);
  });

  it('makes identical alerts on screen differ, so a daemon cannot merge them (and close the first)', async () => {
    const { show, bus } = setup();
    await show({ ...urgent, key: 'x1' });
    await show({ ...urgent, key: 'x2' });
    await show({ ...urgent, key: 'x3' });
    await show({ ...urgent, key: 'n1', urgent: false });
    expect(
      bus()
        .notifies()
        .map((b) => b[3]),
    ).toEqual(['URGENTE — Soporte', 'URGENTE — Soporte (2)', 'URGENTE — Soporte (3)', 'URGENTE — Soporte']);
    bus().emit('NotificationClosed', [1, 2]);
    await show({ ...urgent, key: 'x4' });
    expect(bus().notifies()[4][3]).toBe('URGENTE — Soporte');
  });

  it('replaces the notification of the same alert: the one it shows, or one a previous run left with the same daemon', async () => {
    const { show, bus } = setup();
    const first = await show(urgent);
    await show({ ...urgent, title: 'URGENTE — Soporte (recordatorio)' });
    await show({ ...urgent, key: 'b', replaces: 'bus-1/:1.7/9' });
    await show({ ...urgent, key: 'c', message: 'c', replaces: 'bus-1/:1.3/9' });
    await show({ ...urgent, key: 'd', message: 'd', replaces: 'bus-0/:1.7/9' });
    expect(
      bus()
        .notifies()
        .map((b) => [b[1], b[3]]),
    ).toEqual([
      [0, 'URGENTE — Soporte'],
      [1, 'URGENTE — Soporte (recordatorio)'],
      [9, 'URGENTE — Soporte'],
      [0, 'URGENTE — Soporte'],
      [0, 'URGENTE — Soporte'],
    ]);
    bus().emit('NotificationClosed', [1, 2]);
    expect(first.answers).toEqual([]);
  });

  it.each([
    [
      'no session bus',
      new NoSessionBusError('no session bus: DBUS_SESSION_BUS_ADDRESS is not set'),
      'connect',
      'no session bus: DBUS_SESSION_BUS_ADDRESS is not set',
    ],
    [
      'a bus without a notification service',
      new BusError('org.freedesktop.DBus.Error.ServiceUnknown', 'The name is not activatable'),
      'GetCapabilities',
      'no notification service on the session bus',
    ],
    [
      'a notification service that cannot start',
      new BusError('org.freedesktop.DBus.Error.Spawn.ChildExited', 'Process /usr/bin/dunst exited with status 1'),
      'GetCapabilities',
      'the notification service could not start: Process /usr/bin/dunst exited with status 1',
    ],
    [
      'a notification service that does not answer',
      new BusError('org.freedesktop.DBus.Error.NoReply', 'Notify got no reply within 10000 ms'),
      'Notify',
      'the notification service did not answer: Notify got no reply within 10000 ms',
    ],
  ])('reports %s as no desktop session, with its reason', async (_what, error, where, reason) => {
    const { sut, show, connector, failConnect } = setup();
    const failing = new FakeBus();
    failing.failures.set(where, error);
    if (where === 'connect') failConnect(error);
    else connector.mockImplementationOnce(async () => failing);
    const recorded = await show(urgent);
    expect(recorded.shown).toEqual([]);
    expect(recorded.failures).toHaveLength(1);
    expect(recorded.failures[0]).toBeInstanceOf(NoDesktopSessionError);
    expect((recorded.failures[0] as NoDesktopSessionError).reason).toBe(reason);
    if (where !== 'Notify') expect(await sut.probe()).toBe(reason);
  });

  it('does not count a notification the daemon discarded (id 0) as shown', async () => {
    const { sut, show, bus } = setup();
    await sut.probe();
    bus().nextId = 0;
    const recorded = await show(urgent);
    expect(recorded.shown).toEqual([]);
    expect((recorded.failures[0] as NoDesktopSessionError).reason).toBe(
      'dunst 1.9.0 discarded the notification (id 0)',
    );
  });

  it('reports what was on screen as lost when the daemon leaves, and says when another one appears', async () => {
    const { sut, show, bus } = setup();
    const available = jest.fn();
    sut.onAvailable(available);
    const shown = await show(urgent);
    bus().ownerChanged(':1.7', '');
    expect(shown.answers).toEqual(['lost']);
    expect(available).not.toHaveBeenCalled();
    bus().ownerChanged('', ':1.8');
    expect(available).toHaveBeenCalledTimes(1);
    bus().owner = ':1.8';
    const again = await show({ ...urgent, replaces: shown.shown[0] });
    expect(again.shown).toEqual(['bus-1/:1.8/2']);
    expect(bus().notifies()[1][1]).toBe(0);
  });

  it('reports what was on screen as lost when the session bus goes away, and connects again for the next one', async () => {
    const { show, bus, connector } = setup();
    const shown = await show(urgent);
    bus().lose('the bus closed the connection');
    expect(shown.answers).toEqual(['lost']);
    await show(urgent);
    expect(connector).toHaveBeenCalledTimes(2);
  });

  it('closes a notification on retraction, and lets go of the bus on dispose without calling anything lost', async () => {
    const { sut, show, bus } = setup();
    const shown = await show(urgent);
    expect(sut.close('a1')).toBe(true);
    expect(sut.close('other')).toBe(false);
    expect(bus().calls.at(-1)).toMatchObject({ member: 'CloseNotification', body: [1] });
    await sut.dispose();
    expect(bus().closed).toBe(true);
    expect(shown.answers).toEqual([]);
    const late = await show(urgent);
    expect((late.failures[0] as NoDesktopSessionError).reason).toBe('the receiver is stopping');
  });
});
