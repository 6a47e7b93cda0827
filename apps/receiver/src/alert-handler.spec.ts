import type { AlertPayload, ReceiptPayload } from '@avisa/contracts';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import { AlertHandler, DesktopState, parseAlert } from './alert-handler';
import { DesktopNotification, NoDesktopSessionError, Notifier, ShowHandlers } from './notifier';
import { SeenStore } from './seen-store';
import { FakeClock, MemoryLogger, tempDir } from '../test/utils';

class FakeNotifier implements Notifier {
  readonly shown: { notification: DesktopNotification; handlers: ShowHandlers }[] = [];
  readonly closed: string[] = [];
  show(notification: DesktopNotification, handlers: ShowHandlers): void {
    this.shown.push({ notification, handlers });
  }
  close(key: string): boolean {
    this.closed.push(key);
    return true;
  }
  availableListener: () => void = () => {};
  onAvailable(listener: () => void): void {
    this.availableListener = listener;
  }
  probeAnswer: string | null = null;
  probe(): Promise<string | null> {
    return Promise.resolve(this.probeAnswer);
  }
  dispose(): Promise<void> {
    return Promise.resolve();
  }
  get keys(): string[] {
    return this.shown.map((s) => s.notification.key);
  }
  get last(): ShowHandlers {
    return this.shown[this.shown.length - 1].handlers;
  }
}

const alert = (overrides: Partial<AlertPayload> = {}): AlertPayload => ({
  id: 'a1',
  text: 'Revisad el TPV',
  priority: 'urgent',
  sender: 'Soporte',
  sentAt: '2026-11-22T09:59:00.000Z',
  expiresAt: null,
  reminder: 0,
  ...overrides,
});

function setup() {
  const dir = tempDir();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const receipts: ReceiptPayload[] = [];
  const notifier = new FakeNotifier();
  const desktop: DesktopState[] = [];
  /** What the handler told the attachments: each with how many notifications had been asked for by then. */
  const attachments: string[] = [];
  const seenPath = join(dir, 'seen.json');
  const build = () =>
    new AlertHandler({
      seen: SeenStore.open(seenPath, clock, logger),
      notifier,
      receipts: { add: (r) => receipts.push(r) },
      clock,
      logger,
      sound: () => true,
      onDesktop: (state) => desktop.push(state),
      onAttachments: (a) =>
        attachments.push(`fetch ${a.id} (${a.attachments!.length}) after ${notifier.shown.length} shown`),
      onOpenAttachments: (id) => attachments.push(`open ${id}`),
      onRetracted: (id) => attachments.push(`forget ${id}`),
      retry: { baseMs: 1000, capMs: 4000 },
    });
  const seen = () => SeenStore.open(seenPath, clock, logger);
  return { sut: build(), restart: build, clock, notifier, receipts, logger, desktop, seen, attachments };
}

const states = (receipts: ReceiptPayload[]) => receipts.map((r) => `${r.state}:${r.id}@${r.at.slice(11, 19)}`);

describe('AlertHandler', () => {
  it('shows a new alert with a Spanish title and sends delivered once it is on screen', () => {
    const { sut, notifier, receipts, clock } = setup();
    expect(sut.handleAlert(alert())).toBe('shown');
    expect(notifier.shown[0].notification).toEqual({
      key: 'a1',
      title: 'URGENTE — Soporte',
      message: 'Revisad el TPV',
      urgent: true,
      sound: true,
      replaces: null,
    });
    expect(receipts).toEqual([]);
    clock.advance(1000);
    notifier.last.onShown(null);
    expect(states(receipts)).toEqual(['delivered:a1@10:00:01']);
  });

  it('titles normal alerts "Aviso"', () => {
    const { sut, notifier } = setup();
    sut.handleAlert(alert({ priority: 'normal' }));
    expect(notifier.shown[0].notification).toMatchObject({ title: 'Aviso — Soporte', urgent: false });
  });

  it('sends read when the notification is clicked or dismissed', () => {
    const { sut, notifier, receipts, clock } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    clock.advance(30_000);
    notifier.last.onAnswer('clicked');
    expect(states(receipts)).toEqual(['delivered:a1@10:00:00', 'read:a1@10:00:30']);
  });

  it("offers the alert's quick replies and sends the chosen one with the read", () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert({ replies: ['Recibido', 'Llamadme'] }));
    expect(notifier.shown[0].notification.replies).toEqual(['Recibido', 'Llamadme']);
    notifier.last.onShown(null);
    notifier.last.onAnswer('clicked', 'Llamadme');
    expect(receipts.map((r) => ({ state: r.state, reply: r.reply }))).toEqual([
      { state: 'delivered', reply: undefined },
      { state: 'read', reply: 'Llamadme' },
    ]);
  });

  it('does not count an expiry, nor a close by a program (a replacement, a retraction), as read', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert({ id: 'n1', priority: 'normal' }));
    notifier.last.onShown(null);
    notifier.last.onAnswer('timeout');
    sut.handleAlert(alert({ id: 'u1' }));
    notifier.last.onShown(null);
    notifier.last.onAnswer('timeout');
    sut.handleAlert(alert({ id: 'u2' }));
    notifier.last.onShown(null);
    notifier.last.onAnswer('closed');
    sut.handleAlert(alert({ id: 'u3' }));
    notifier.last.onShown(null);
    notifier.last.onAnswer('dismissed');
    expect(states(receipts).map((s) => s.split('@')[0])).toEqual([
      'delivered:n1',
      'delivered:u1',
      'delivered:u2',
      'delivered:u3',
      'read:u3',
    ]);
  });

  it('does not show a duplicate but repeats its receipts with their original times', () => {
    const { sut, notifier, receipts, clock } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    clock.advance(5000);
    notifier.last.onAnswer('dismissed');
    receipts.length = 0;
    clock.advance(60_000);
    expect(sut.handleAlert(alert())).toBe('duplicate');
    expect(notifier.shown).toHaveLength(1);
    expect(states(receipts)).toEqual(['delivered:a1@10:00:00', 'read:a1@10:00:05']);
  });

  it('repeats only delivered for a duplicate that is not read yet', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    receipts.length = 0;
    expect(sut.handleAlert(alert())).toBe('duplicate');
    expect(states(receipts)).toEqual(['delivered:a1@10:00:00']);
  });

  it('ignores a repeat that arrives while the first is still being shown', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert());
    expect(sut.handleAlert(alert())).toBe('in-progress');
    expect(notifier.shown).toHaveLength(1);
    expect(receipts).toEqual([]);
  });

  it('shows a higher reminder again while unread, and each reminder only once', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    expect(sut.handleAlert(alert({ reminder: 1 }))).toBe('reminder');
    expect(notifier.shown).toHaveLength(2);
    expect(notifier.shown[1].notification.title).toBe('URGENTE — Soporte (recordatorio)');
    notifier.last.onShown(null);
    expect(sut.handleAlert(alert({ reminder: 1 }))).toBe('duplicate');
    expect(sut.handleAlert(alert({ reminder: 0 }))).toBe('duplicate');
    expect(sut.handleAlert(alert({ reminder: 2 }))).toBe('reminder');
    expect(notifier.shown).toHaveLength(3);
    expect(states(receipts).every((s) => s.startsWith('delivered:a1@10:00:00'))).toBe(true);
  });

  it('does not show a reminder once the alert was read', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    notifier.last.onAnswer('clicked');
    receipts.length = 0;
    expect(sut.handleAlert(alert({ reminder: 1 }))).toBe('duplicate');
    expect(notifier.shown).toHaveLength(1);
    expect(states(receipts).map((s) => s.split('@')[0])).toEqual(['delivered:a1', 'read:a1']);
  });

  it('shows a reminder for an alert it never saw (installed or offline meanwhile)', () => {
    const { sut, notifier } = setup();
    expect(sut.handleAlert(alert({ reminder: 3 }))).toBe('shown');
    expect(notifier.shown).toHaveLength(1);
  });

  it('does not show an expired alert and sends nothing for it', () => {
    const { sut, notifier, receipts } = setup();
    expect(sut.handleAlert(alert({ expiresAt: '2026-11-22T09:59:59.000Z' }))).toBe('expired');
    expect(notifier.shown).toHaveLength(0);
    expect(receipts).toEqual([]);
    expect(sut.handleAlert(alert({ id: 'a2', expiresAt: '2026-11-22T10:05:00.000Z' }))).toBe('shown');
  });

  it('does not show a reminder after expiry, but still repeats the receipts', () => {
    const { sut, notifier, receipts, clock } = setup();
    sut.handleAlert(alert({ expiresAt: '2026-11-22T10:01:00.000Z' }));
    notifier.last.onShown(null);
    clock.advance(120_000);
    receipts.length = 0;
    expect(sut.handleAlert(alert({ reminder: 1, expiresAt: '2026-11-22T10:01:00.000Z' }))).toBe('duplicate');
    expect(notifier.shown).toHaveLength(1);
    expect(states(receipts)).toEqual(['delivered:a1@10:00:00']);
  });

  it('never shows a retracted id afterwards and tries to close it if on screen', () => {
    const { sut, notifier, receipts } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    sut.handleRetract({ id: 'a1' });
    expect(notifier.closed).toEqual(['a1']);
    expect(sut.handleAlert(alert({ reminder: 1 }))).toBe('retracted');
    sut.handleRetract({ id: 'a2' });
    expect(sut.handleAlert(alert({ id: 'a2' }))).toBe('retracted');
    expect(notifier.shown).toHaveLength(1);
    expect(states(receipts)).toEqual(['delivered:a1@10:00:00']);
  });

  it('shows nothing twice after a restart, and remembers read and retracted', () => {
    const { sut, restart, notifier, receipts } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown(null);
    notifier.last.onAnswer('clicked');
    sut.handleAlert(alert({ id: 'a2' }));
    notifier.last.onShown(null);
    sut.handleRetract({ id: 'a3' });
    receipts.length = 0;

    const afterRestart = restart();
    expect(afterRestart.handleAlert(alert())).toBe('duplicate');
    expect(afterRestart.handleAlert(alert({ reminder: 1 }))).toBe('duplicate');
    expect(afterRestart.handleAlert(alert({ id: 'a2' }))).toBe('duplicate');
    expect(afterRestart.handleAlert(alert({ id: 'a3' }))).toBe('retracted');
    expect(notifier.shown).toHaveLength(2);
    expect(states(receipts).map((s) => s.split('@')[0])).toEqual([
      'delivered:a1',
      'read:a1',
      'delivered:a1',
      'read:a1',
      'delivered:a2',
    ]);
  });

  it('lets a resend try again when the notifier failed', () => {
    const { sut, notifier, receipts, logger } = setup();
    sut.handleAlert(alert());
    notifier.last.onFailed(new Error('notify-send must be installed on the system.'));
    expect(receipts).toEqual([]);
    expect(logger.lines.join('\n')).toContain('Could not show alert a1');
    expect(sut.handleAlert(alert())).toBe('shown');
    expect(notifier.shown).toHaveLength(2);
  });

  it('shows alerts one at a time, in the order they arrived: the next once the previous is on screen or failed', () => {
    const { sut, notifier, receipts } = setup();
    expect(sut.handleAlert(alert({ id: 'p1' }))).toBe('shown');
    expect(sut.handleAlert(alert({ id: 'p2' }))).toBe('shown');
    expect(sut.handleAlert(alert({ id: 'p3' }))).toBe('shown');
    expect(sut.handleAlert(alert({ id: 'p2' }))).toBe('in-progress');
    expect(notifier.shown.map((s) => s.notification.key)).toEqual(['p1']);
    notifier.last.onShown(null);
    expect(notifier.shown.map((s) => s.notification.key)).toEqual(['p1', 'p2']);
    notifier.last.onFailed(new Error('no notification daemon'));
    expect(notifier.shown.map((s) => s.notification.key)).toEqual(['p1', 'p2', 'p3']);
    notifier.last.onShown(null);
    notifier.shown[0].handlers.onAnswer('clicked');
    expect(states(receipts).map((s) => s.split('@')[0])).toEqual(['delivered:p1', 'delivered:p3', 'read:p1']);
    expect(sut.handleAlert(alert({ id: 'p2' }))).toBe('shown');
    expect(notifier.shown.map((s) => s.notification.key)).toEqual(['p1', 'p2', 'p3', 'p2']);
  });

  it('does not show a waiting alert that is retracted or expires before its turn', () => {
    const { sut, notifier, receipts, clock } = setup();
    sut.handleAlert(alert({ id: 'first' }));
    sut.handleAlert(alert({ id: 'withdrawn' }));
    sut.handleAlert(alert({ id: 'expiring', expiresAt: '2026-11-22T10:00:05.000Z' }));
    sut.handleAlert(alert({ id: 'last' }));
    sut.handleRetract({ id: 'withdrawn' });
    clock.advance(6000);
    notifier.last.onShown(null);
    expect(notifier.shown.map((s) => s.notification.key)).toEqual(['first', 'last']);
    notifier.last.onShown(null);
    expect(states(receipts).map((s) => s.split('@')[0])).toEqual(['delivered:first', 'delivered:last']);
    expect(sut.handleAlert(alert({ id: 'withdrawn' }))).toBe('retracted');
    expect(sut.handleAlert(alert({ id: 'expiring', expiresAt: '2026-11-22T10:00:05.000Z' }))).toBe('expired');
  });

  it('replaces a notification still on screen with its reminder', () => {
    const { sut, notifier } = setup();
    sut.handleAlert(alert());
    notifier.last.onShown('bus/owner/7');
    sut.handleAlert(alert({ reminder: 1 }));
    expect(notifier.shown[1].notification).toMatchObject({
      replaces: 'bus/owner/7',
      title: 'URGENTE — Soporte (recordatorio)',
    });
  });

  describe('with no desktop session', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const noSession = () => new NoDesktopSessionError('no notification service on the session bus');

    it('keeps the alert waiting without a receipt, says why, and shows it when a retry finds a session', () => {
      const { sut, notifier, receipts, logger, desktop, clock, seen } = setup();
      sut.handleAlert(alert({ id: 'p1' }));
      notifier.last.onFailed(noSession());
      expect(receipts).toEqual([]);
      expect(seen().get('p1')).toBeUndefined();
      expect(logger.lines.join('\n')).toContain(
        'No desktop session to show alerts (no notification service on the session bus); alert p1 will be shown',
      );
      expect(desktop.at(-1)).toEqual({
        available: false,
        reason: 'no notification service on the session bus',
        waiting: 1,
      });

      expect(sut.handleAlert(alert({ id: 'p1' }))).toBe('in-progress');
      expect(sut.handleAlert(alert({ id: 'p2' }))).toBe('shown');
      expect(notifier.keys).toEqual(['p1']);
      expect(desktop.at(-1)?.waiting).toBe(2);

      jest.advanceTimersByTime(999);
      expect(notifier.keys).toEqual(['p1']);
      jest.advanceTimersByTime(1);
      expect(notifier.keys).toEqual(['p1', 'p1']);
      notifier.last.onFailed(noSession());
      jest.advanceTimersByTime(1999);
      expect(notifier.keys).toEqual(['p1', 'p1']);
      jest.advanceTimersByTime(1);
      clock.advance(3000);
      notifier.last.onShown(null);
      expect(notifier.keys).toEqual(['p1', 'p1', 'p1', 'p2']);
      notifier.last.onShown(null);
      expect(states(receipts)).toEqual(['delivered:p1@10:00:03', 'delivered:p2@10:00:03']);
      expect(desktop.at(-1)).toEqual({ available: true, reason: null, waiting: 0 });
      expect(logger.lines.join('\n')).toContain('Notifications can be shown again');
    });

    it('tries at once when the notifier says a notification service appeared', () => {
      const { sut, notifier } = setup();
      sut.handleAlert(alert());
      notifier.last.onFailed(noSession());
      notifier.availableListener();
      expect(notifier.keys).toEqual(['a1', 'a1']);
    });

    it('still drops a waiting alert that is retracted or expires meanwhile', () => {
      const { sut, notifier, clock } = setup();
      sut.handleAlert(alert({ id: 'gone' }));
      sut.handleAlert(alert({ id: 'late', expiresAt: '2026-11-22T10:00:02.000Z' }));
      notifier.last.onFailed(noSession());
      sut.handleRetract({ id: 'gone' });
      clock.advance(5000);
      jest.advanceTimersByTime(1000);
      expect(notifier.keys).toEqual(['gone']);
    });

    it('reports at start, before any alert, that nothing can be shown', async () => {
      const { sut, notifier, desktop, logger } = setup();
      notifier.probeAnswer = 'no session bus: DBUS_SESSION_BUS_ADDRESS is not set and /run/user/0/bus does not exist';
      sut.resume();
      await Promise.resolve();
      expect(desktop).toEqual([{ available: false, reason: notifier.probeAnswer, waiting: 0 }]);
      expect(logger.lines.join('\n')).toContain('No desktop session to show alerts (no session bus');
    });
    it('keeps asking while idle, so the state follows a session that appears, and tries a new alert at once', async () => {
      const { sut, notifier, desktop } = setup();
      notifier.probeAnswer = 'no notification service on the session bus';
      sut.resume();
      await Promise.resolve();
      expect(desktop.at(-1)).toMatchObject({ available: false });
      notifier.probeAnswer = null;
      jest.advanceTimersByTime(1000);
      await Promise.resolve();
      expect(desktop.at(-1)).toEqual({ available: true, reason: null, waiting: 0 });

      const later = setup();
      later.notifier.probeAnswer = 'no notification service on the session bus';
      later.sut.resume();
      await Promise.resolve();
      later.sut.handleAlert(alert());
      expect(later.notifier.keys).toEqual(['a1']);
    });
  });

  describe('an urgent notification that leaves the screen unread', () => {
    it('is shown again, without another delivered, when the notification service went away with it', () => {
      const { sut, notifier, receipts } = setup();
      sut.handleAlert(alert());
      notifier.last.onShown('bus/old/3');
      notifier.last.onAnswer('lost');
      expect(notifier.shown[1].notification).toMatchObject({
        key: 'a1',
        title: 'URGENTE — Soporte',
        message: 'Revisad el TPV',
        urgent: true,
        replaces: 'bus/old/3',
      });
      notifier.last.onShown('bus/new/1');
      notifier.last.onAnswer('dismissed');
      expect(states(receipts).map((s) => s.split('@')[0])).toEqual(['delivered:a1', 'read:a1']);
    });

    it('is not shown again when it was a normal alert', () => {
      const { sut, notifier } = setup();
      sut.handleAlert(alert({ priority: 'normal' }));
      notifier.last.onShown(null);
      notifier.last.onAnswer('lost');
      expect(notifier.keys).toEqual(['a1']);
    });

    it('is shown again in its place after a restart, and its dismissal then counts as read', () => {
      const { sut, restart, notifier, receipts, clock } = setup();
      sut.handleAlert(alert({ id: 'u1' }));
      notifier.last.onShown('bus/dunst/5');
      sut.handleAlert(alert({ id: 'u2', expiresAt: '2026-11-22T10:00:30.000Z' }));
      notifier.last.onShown('bus/dunst/6');
      sut.handleAlert(alert({ id: 'read' }));
      notifier.last.onShown('bus/dunst/7');
      notifier.last.onAnswer('clicked');
      sut.handleAlert(alert({ id: 'normal', priority: 'normal' }));
      notifier.last.onShown('bus/dunst/8');
      sut.handleAlert(alert({ id: 'withdrawn' }));
      notifier.last.onShown('bus/dunst/9');
      sut.handleRetract({ id: 'withdrawn' });
      clock.advance(60_000);
      receipts.length = 0;

      const after = restart();
      after.resume();
      expect(notifier.keys.slice(5)).toEqual(['u1']);
      expect(notifier.last).toBe(notifier.shown[5].handlers);
      expect(notifier.shown[5].notification).toMatchObject({ title: 'URGENTE — Soporte', replaces: 'bus/dunst/5' });
      expect(after.handleAlert(alert({ id: 'u1' }))).toBe('duplicate');
      notifier.last.onShown('bus/dunst/5');
      expect(notifier.keys.slice(5)).toEqual(['u1']);
      notifier.last.onAnswer('dismissed');
      expect(states(receipts).map((s) => s.split('@')[0])).toEqual(['delivered:u1', 'read:u1']);
    });
  });

  describe('attachments', () => {
    const FILE = { id: 'f1', name: 'Circular.pdf', size: 10, mime: 'application/pdf', sha256: 'a'.repeat(64) };

    it('has them fetched once the notification was asked for, and offers "Abrir adjunto"', () => {
      const { sut, notifier, attachments } = setup();
      sut.handleAlert(alert({ attachments: [FILE] }));
      expect(notifier.shown[0].notification.attachmentAction).toBe('Abrir adjunto');
      expect(attachments).toEqual(['fetch a1 (1) after 1 shown']);
      notifier.last.onShown(null);
      sut.handleAlert(alert({ attachments: [FILE] }));
      expect(attachments).toEqual(['fetch a1 (1) after 1 shown', 'fetch a1 (1) after 1 shown']);
    });

    it('fetches nothing for an expired or retracted alert', () => {
      const { sut, attachments } = setup();
      sut.handleAlert(alert({ id: 'old', expiresAt: '2026-11-22T09:00:00.000Z', attachments: [FILE] }));
      sut.handleRetract({ id: 'gone' });
      sut.handleAlert(alert({ id: 'gone', attachments: [FILE] }));
      expect(attachments).toEqual(['forget gone']);
    });

    it('opens them when the person chooses the action, which is a read', () => {
      const { sut, notifier, receipts, attachments, logger } = setup();
      sut.handleAlert(alert({ attachments: [FILE] }));
      notifier.last.onShown(null);
      notifier.last.onAnswer('clicked', undefined, 'open-attachment');
      expect(attachments.slice(1)).toEqual(['open a1']);
      expect(states(receipts)).toEqual(['delivered:a1@10:00:00', 'read:a1@10:00:00']);
      expect(receipts[1].reply).toBeUndefined();
      expect(logger.lines).toContain('info Alert a1 read (opened its attachment)');
    });

    it('offers the action again on an urgent alert shown again after a restart', () => {
      const { sut, restart, notifier } = setup();
      sut.handleAlert(alert({ attachments: [FILE, { ...FILE, id: 'f2' }] }));
      notifier.last.onShown('bus/dunst/5');
      restart().resume();
      expect(notifier.shown[1].notification).toMatchObject({ key: 'a1', attachmentAction: 'Abrir adjuntos' });
    });

    it('keeps only attachments that say what to check', () => {
      const { sut, attachments } = setup();
      const broken = [{ ...FILE, sha256: 'nope' }, { ...FILE, size: -1 }, { id: 'x' }, null, 'f3'];
      sut.handleAlert({ ...alert(), attachments: [...broken, FILE] });
      expect(attachments).toEqual(['fetch a1 (1) after 1 shown']);
      expect(parseAlert({ ...alert(), attachments: broken })).not.toHaveProperty('attachments');
      expect(parseAlert({ ...alert(), attachments: [{ ...FILE, extra: 1 }] })?.attachments).toEqual([FILE]);
    });
  });

  it('ignores malformed payloads', () => {
    const { sut, notifier } = setup();
    expect(sut.handleAlert({ id: 'x' })).toBe('invalid');
    expect(sut.handleAlert(alert({ priority: 'high' as 'urgent' }))).toBe('invalid');
    expect(sut.handleAlert(alert({ reminder: -1 }))).toBe('invalid');
    expect(sut.handleAlert(null)).toBe('invalid');
    expect(notifier.shown).toHaveLength(0);
  });
});
