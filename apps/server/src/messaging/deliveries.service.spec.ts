import { EventBus } from '../common/events/event-bus';
import type { Principal } from '../common/actor';
import { Clock } from '../common/system/clock';
import { ReceiverHub } from '../fanout/receiver-hub';
import { FakeClock, adminActor, newTestService, storedAlert } from '../../test/utils';
import { AlertTemplates } from './alert-templates';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAnnouncer } from './delivery-announcer';
import type { MessageEntity } from './message.entity';
import { MessagesRepository, type UnreadCopy } from './messages.repository';
import { MessagingService } from './messaging.service';

const principal: Principal = {
  kind: 'user',
  userId: 1,
  username: 'admin',
  displayName: 'Soporte',
  role: 'admin',
  sessionId: 's',
};

function setup(online: string[], unread: UnreadCopy[], overrides: Partial<MessageEntity> = {}) {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(DeliveriesService, [[Clock, clock]]);
  const alert = storedAlert(clock.now(), overrides);
  const mocks = {
    messaging: mock(MessagingService),
    messages: mock(MessagesRepository),
    hub: mock(ReceiverHub),
    templates: mock(AlertTemplates),
    announcer: mock(DeliveryAnnouncer),
    events: mock(EventBus),
  };
  mocks.messaging.requireVisible.mockImplementation(async () => alert);
  mocks.messages.unreadCopies.mockImplementation(async () => unread);
  mocks.messages.recordResent.mockImplementation(async () => undefined);
  mocks.hub.online.mockImplementation(
    async (names: readonly string[]) => new Set(names.filter((n) => online.includes(n))),
  );
  mocks.events.emit.mockImplementation(async () => undefined);
  mocks.templates.send.mockImplementation(async () => undefined);
  return { sut, mocks, clock };
}

const copy = (id: number, receiverName: string, state: UnreadCopy['state'], reminders = 0): UnreadCopy => ({
  id,
  receiverName,
  state,
  reminders,
  flagged: false,
});

describe('DeliveriesService.resendUnread', () => {
  it('shows the alert again only at the connected unread sites, each with its next reminder number, and audits it', async () => {
    const unread = [copy(1, 'centro', 'delivered', 2), copy(2, 'norte', 'sent'), copy(3, 'sur', 'queued')];
    const { sut, mocks, clock } = setup(['centro', 'norte'], unread);
    const result = await sut.resendUnread('m1', principal, adminActor);
    expect(result).toEqual({ told: ['centro', 'norte'], notConnected: 1 });
    expect(mocks.messages.recordResent).toHaveBeenCalledWith([1, 2], clock.now());
    expect(mocks.templates.send).toHaveBeenCalledWith(['centro'], expect.objectContaining({ id: 'm1', reminder: 3 }));
    expect(mocks.templates.send).toHaveBeenCalledWith(['norte'], expect.objectContaining({ id: 'm1', reminder: 1 }));
    expect(mocks.announcer.announce).toHaveBeenCalledWith([
      expect.objectContaining({ receiver: 'centro', state: 'delivered', reminders: 3 }),
      expect.objectContaining({ receiver: 'norte', state: 'sent', reminders: 1 }),
    ]);
    expect(mocks.events.emit).toHaveBeenCalledWith('message.resent', {
      actor: adminActor,
      target: 'm1',
      details: { toldSites: 2, notConnected: 1 },
    });
  });

  it.each([
    ['a withdrawn alert', { retractedAt: Date.parse('2026-11-22T09:59:00Z') }, 'this alert was withdrawn'],
    ['an expired alert', { expiresAt: Date.parse('2026-11-22T09:00:00Z') }, /has expired/],
  ])('refuses %s and tells no site', async (_, overrides, message) => {
    const { sut, mocks } = setup(['centro'], [copy(1, 'centro', 'delivered')], overrides);
    await expect(sut.resendUnread('m1', principal, adminActor)).rejects.toThrow(message);
    expect(mocks.templates.send).not.toHaveBeenCalled();
    expect(mocks.events.emit).not.toHaveBeenCalled();
  });
});
