import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { emptyDeliveryCounts, type DeliveryUpdatePayload, type RoomMessageResponse } from '@avisa/contracts';
import { afterEach, beforeEach, vi } from 'vitest';
import { LiveService } from '../core/live.service';
import { SESSION_STORAGE } from '../core/session.store';
import { configureTestBed, FakeLive, loggedInStorage } from '../core/testing';
import { AttentionService, flaggedPerAlert, mentions } from './attention.service';

const update = (messageId: string, receiver: string, extra: Partial<DeliveryUpdatePayload> = {}) =>
  ({
    messageId,
    receiver,
    state: 'delivered',
    at: '2026-11-22T10:00:00.000Z',
    reminders: 3,
    flagged: true,
    counts: emptyDeliveryCounts(),
    ...extra,
  }) satisfies DeliveryUpdatePayload;

const roomMessage = (text: string, mentioned: string[], author = 'luis'): RoomMessageResponse => ({
  id: `m-${text}`,
  roomId: 4,
  seq: 1,
  author: { id: 2, username: author, displayName: 'Luis Gil' },
  text,
  mentions: mentioned,
  createdAt: '2026-11-22T10:00:00.000Z',
  editedAt: null,
  deleted: false,
  ephemeral: false,
  attachments: [],
});

describe('what tells the user', () => {
  it('gathers the flagged unread copies per alert, leaving out read or unflagged ones', () => {
    const gathered = flaggedPerAlert([
      update('a', 'norte'),
      update('a', 'sur'),
      update('a', 'norte'),
      update('b', 'este', { flagged: false, reminders: 1 }),
      update('c', 'oeste', { state: 'read' }),
    ]);
    expect([...gathered]).toEqual([['a', ['norte', 'sur']]]);
  });

  it("sees a mention of the user by someone else, not the user's own or a deleted message", () => {
    expect(mentions(roomMessage('@ana mira', ['ana']), 'ana')).toBe(true);
    expect(mentions(roomMessage('@ana mira', ['ana']), 'ANA')).toBe(true);
    expect(mentions(roomMessage('@luis mira', ['luis']), 'ana')).toBe(false);
    expect(mentions(roomMessage('yo, @ana', ['ana'], 'ana'), 'ana')).toBe(false);
    expect(mentions({ ...roomMessage('', ['ana']), deleted: true }, 'ana')).toBe(false);
  });
});

describe('AttentionService', () => {
  const raised: { title: string; options?: NotificationOptions }[] = [];
  let permission: NotificationPermission;

  class FakeNotification {
    static get permission() {
      return permission;
    }
    static requestPermission = vi.fn(async (): Promise<NotificationPermission> => {
      permission = 'granted';
      return permission;
    });
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      raised.push({ title, options });
    }
    close(): void {}
  }

  beforeEach(() => {
    raised.length = 0;
    permission = 'default';
    localStorage.clear();
    vi.stubGlobal('Notification', FakeNotification);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function setup() {
    const live = new FakeLive();
    configureTestBed(
      [],
      [
        provideRouter([]),
        { provide: SESSION_STORAGE, useValue: loggedInStorage() },
        { provide: LiveService, useValue: live },
      ],
    );
    const service = TestBed.inject(AttentionService);
    service.start();
    return { service, live };
  }

  it('raises nothing until the user turns it on, then asks the browser once and remembers the choice', async () => {
    const { service, live } = setup();
    live.deliveryUpdated$.next(update('a', 'norte'));
    vi.advanceTimersByTime(1000);
    expect(raised).toEqual([]);

    await service.setEnabled(true);
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(service.enabled()).toBe(true);
    expect(localStorage.getItem('avisa.notify')).toBe('on');

    live.deliveryUpdated$.next(update('a', 'norte'));
    live.deliveryUpdated$.next(update('a', 'sur'));
    vi.advanceTimersByTime(1000);
    expect(raised).toEqual([
      {
        title: 'Aviso urgente sin leer',
        options: expect.objectContaining({
          body: '2 sitio(s) no lo han leído tras los recordatorios: norte, sur',
          tag: 'urgent:a',
        }),
      },
    ]);

    live.roomMessage$.next(roomMessage('@ana ¿lo ves?', ['ana']));
    live.roomMessage$.next(roomMessage('sin mención', []));
    expect(raised.map((r) => r.title)).toEqual(['Aviso urgente sin leer', 'Luis Gil te ha mencionado']);
    expect(raised[1].options?.body).toBe('@ana ¿lo ves?');

    await service.setEnabled(false);
    expect(localStorage.getItem('avisa.notify')).toBe('off');
    live.roomMessage$.next(roomMessage('@ana otra', ['ana']));
    expect(raised).toHaveLength(2);
  });

  it('stays off when the browser refuses', async () => {
    FakeNotification.requestPermission.mockImplementationOnce(async () => {
      permission = 'denied';
      return permission;
    });
    const { service } = setup();
    await service.setEnabled(true);
    expect(service.enabled()).toBe(false);
    expect(service.permission()).toBe('denied');
    expect(localStorage.getItem('avisa.notify')).toBe('off');
  });
});
