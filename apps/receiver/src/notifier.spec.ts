import { jest } from '@jest/globals';
import {
  DesktopNotification,
  DesktopNotifier,
  NotifierAnswer,
  isRead,
  NotifierBackend,
  parseNodeNotifierAnswer,
  ShowHandlers,
  toastOpensAttachment,
  toastOptions,
  toastReply,
  toNotification,
} from './notifier';
import { MemoryLogger } from '../test/utils';

const notification: DesktopNotification = {
  key: 'a1',
  title: 'URGENTE — Soporte',
  message: 'Hola',
  urgent: true,
  sound: true,
};

function setup() {
  let done: (error: Error | null, answer: NotifierAnswer) => void = () => {};
  const backend: NotifierBackend = {
    notify: (_n, callback) => {
      done = callback;
    },
    close: () => false,
  };
  const handlers = { onShown: jest.fn(), onAnswer: jest.fn(), onFailed: jest.fn() } satisfies ShowHandlers;
  const logger = new MemoryLogger();
  const sut = new DesktopNotifier(backend, logger, 1000);
  return { sut, handlers, logger, finish: (error: Error | null, answer: NotifierAnswer) => done(error, answer) };
}

describe('DesktopNotifier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports shown when the notifier returns at once (notify-send without waiting)', () => {
    const { sut, handlers, finish } = setup();
    sut.show(notification, handlers);
    finish(null, 'none');
    expect(handlers.onShown).toHaveBeenCalledTimes(1);
    expect(handlers.onAnswer).not.toHaveBeenCalled();
  });

  it('reports shown while a waiting notifier is still running, then the answer', () => {
    const { sut, handlers, finish } = setup();
    sut.show(notification, handlers);
    jest.advanceTimersByTime(999);
    expect(handlers.onShown).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(handlers.onShown).toHaveBeenCalledTimes(1);
    finish(null, 'clicked');
    expect(handlers.onShown).toHaveBeenCalledTimes(1);
    expect(handlers.onAnswer).toHaveBeenCalledWith('clicked');
  });

  it('reports a failure only before the notification was shown, and only once', () => {
    const { sut, handlers, finish, logger } = setup();
    sut.show(notification, handlers);
    finish(new Error('no display'), 'none');
    finish(null, 'clicked');
    jest.advanceTimersByTime(5000);
    expect(handlers.onFailed).toHaveBeenCalledTimes(1);
    expect(handlers.onShown).not.toHaveBeenCalled();
    expect(handlers.onAnswer).not.toHaveBeenCalled();

    const later = setup();
    later.sut.show(notification, later.handlers);
    jest.advanceTimersByTime(1000);
    later.finish(new Error('crashed'), 'none');
    expect(later.handlers.onFailed).not.toHaveBeenCalled();
    expect(later.logger.lines.join()).toContain('failed after showing');
    expect(logger.lines).toEqual([]);
  });

  it('reports a failure when the backend throws', () => {
    const handlers = { onShown: jest.fn(), onAnswer: jest.fn(), onFailed: jest.fn() };
    const backend: NotifierBackend = {
      notify: () => {
        throw new Error('spawn failed');
      },
      close: () => false,
    };
    new DesktopNotifier(backend, new MemoryLogger()).show(notification, handlers);
    jest.advanceTimersByTime(5000);
    expect(handlers.onFailed).toHaveBeenCalledTimes(1);
    expect(handlers.onShown).not.toHaveBeenCalled();
  });
});

describe('notification content', () => {
  const alert = {
    id: 'a1',
    text: '  Línea 1\nLínea 2\u0007 ',
    priority: 'normal' as const,
    sender: 'token:monitor',
    sentAt: '',
    expiresAt: null,
    reminder: 0,
  };

  it('keeps the text as plain text without control characters', () => {
    expect(toNotification(alert, false)).toEqual({
      key: 'a1',
      title: 'Aviso — token:monitor',
      message: 'Línea 1\nLínea 2',
      urgent: false,
      sound: false,
    });
  });

  it('reads the answers of node-notifier; only a click or a dismissal is a reading', () => {
    expect(['activate', 'dismissed', 'timeout', undefined].map(parseNodeNotifierAnswer)).toEqual([
      'clicked',
      'dismissed',
      'timeout',
      'none',
    ]);
    expect((['clicked', 'dismissed', 'closed', 'timeout', 'lost', 'none'] as const).filter(isRead)).toEqual([
      'clicked',
      'dismissed',
    ]);
  });

  it('labels the attachment action "Abrir adjunto", or "Abrir adjuntos" (the folder) when there are several', () => {
    const file = { id: 'f1', name: 'a.pdf', size: 1, mime: 'application/pdf', sha256: '0'.repeat(64) };
    expect(toNotification({ ...alert, attachments: [file] }, true).attachmentAction).toBe('Abrir adjunto');
    expect(toNotification({ ...alert, attachments: [file, { ...file, id: 'f2' }] }, true).attachmentAction).toBe(
      'Abrir adjuntos',
    );
    expect(toNotification(alert, true)).not.toHaveProperty('attachmentAction');
  });

  it('offers the attachment as the first SnoreToast button, and takes that button as opening it', () => {
    const n = { ...notification, replies: ['Recibido'], attachmentAction: 'Abrir adjunto' };
    expect(toastOptions(n, 7)).toEqual({
      title: 'URGENTE — Soporte',
      message: 'Hola',
      sound: true,
      id: 7,
      wait: true,
      actions: ['Abrir adjunto', 'Recibido'],
    });
    expect(toastOptions(notification, 7)).not.toHaveProperty('actions');
    expect(toastOpensAttachment({ action: 'buttonClicked', button: 'Abrir adjunto' }, n)).toBe(true);
    expect(toastOpensAttachment({ action: 'buttonClicked', button: 'Recibido' }, n)).toBe(false);
    expect(toastOpensAttachment({ action: 'activated' }, n)).toBe(false);
    expect(toastOpensAttachment({ action: 'buttonClicked', button: 'Abrir adjunto' }, notification)).toBe(false);
    // A quick reply worded like the action stays a reply.
    const same = { ...n, replies: ['Abrir adjunto'] };
    expect(toastOpensAttachment({ action: 'buttonClicked', button: 'Abrir adjunto' }, same)).toBe(false);
  });

  it('passes the chosen action through DesktopNotifier', () => {
    const handlers = { onShown: jest.fn(), onAnswer: jest.fn(), onFailed: jest.fn() };
    const backend: NotifierBackend = {
      notify: (_n, done) => done(null, 'clicked', undefined, 'open-attachment'),
      close: () => false,
    };
    new DesktopNotifier(backend, new MemoryLogger()).show(notification, handlers);
    expect(handlers.onAnswer).toHaveBeenCalledWith('clicked', undefined, 'open-attachment');
  });

  it('takes a SnoreToast button as the quick reply it names, and nothing else', () => {
    const replies = ['Recibido', 'Llamadme'];
    expect(toastReply({ action: 'buttonClicked', button: 'Llamadme' }, replies)).toBe('Llamadme');
    expect(toastReply({ action: 'buttonClicked', button: 'Otra cosa' }, replies)).toBeUndefined();
    expect(toastReply({ action: 'activated' }, replies)).toBeUndefined();
    expect(toastReply(undefined, replies)).toBeUndefined();
  });
});
