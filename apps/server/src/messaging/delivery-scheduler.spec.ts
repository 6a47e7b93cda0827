import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { ReceiverHub } from '../fanout/receiver-hub';
import { FakeClock, newTestService, storedAlert, testConfig } from '../../test/utils';
import { AlertTemplates } from './alert-templates';
import { DeliveryScheduler } from './delivery-scheduler';
import type { DeliveryEntity } from './message.entity';
import { MessagesRepository } from './messages.repository';

const ACK_MS = 30_000;

function setup(connectedSince: Record<string, number>) {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(DeliveryScheduler, [
    [Clock, clock],
    [AppConfigService, testConfig({ AVISA_DELIVERY_ACK_TIMEOUT_SECONDS: String(ACK_MS / 1000) })],
  ]);
  const messages = mock(MessagesRepository);
  const hub = mock(ReceiverHub);
  const templates = mock(AlertTemplates);
  const alert = storedAlert(clock.now());
  // Every site has one copy of the alert, pushed or queued longer than the time-out ago: all of them look unconfirmed.
  const copies = Object.keys({ ...connectedSince, offline: 0 }).map(
    (receiverName, i) =>
      ({
        id: i + 1,
        messageId: 'm1',
        receiverName,
        state: i % 2 ? 'queued' : 'sent',
        sentAt: alert.createdAt,
      }) as DeliveryEntity,
  );
  messages.unconfirmedSince.mockImplementation(async () => copies);
  messages.findMessages.mockImplementation(async () => new Map([['m1', alert]]));
  messages.markDeliverySent.mockImplementation(async () => undefined);
  hub.connectedSince.mockImplementation(
    async (names: readonly string[]) =>
      new Map(Object.entries(connectedSince).filter(([name]) => names.includes(name) && name !== 'offline')),
  );
  templates.send.mockImplementation(async () => undefined);
  return { sut, messages, templates, clock, copies };
}

describe('DeliveryScheduler.resendUnconfirmed', () => {
  it('sends unconfirmed copies again only to sites connected for longer than the time-out, and marks those sent', async () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const { sut, messages, templates, clock, copies } = setup({
      centro: now - 3_600_000, // connected an hour ago: its copy was missed
      norte: now - ACK_MS - 1, // just past the time-out
      // Connected within the time-out: being caught up, its copy already pushed (its mark not committed yet).
      sur: now - 2_000,
      este: now - ACK_MS,
    });
    await sut.resendUnconfirmed();
    expect(templates.send).toHaveBeenCalledTimes(1);
    expect(templates.send).toHaveBeenCalledWith(['centro', 'norte'], expect.objectContaining({ id: 'm1' }));
    const id = (name: string) => copies.find((c) => c.receiverName === name)!.id;
    expect(messages.markDeliverySent).toHaveBeenCalledWith([id('centro'), id('norte')], clock.now());
  });

  it('sends nothing and marks nothing while every site with an unconfirmed copy is offline or just connected', async () => {
    const { sut, messages, templates, clock } = setup({ sur: Date.parse('2026-11-22T10:00:00Z') - 500 });
    await sut.resendUnconfirmed();
    expect(templates.send).not.toHaveBeenCalled();
    expect(messages.markDeliverySent).not.toHaveBeenCalled();
    expect(messages.unconfirmedSince).toHaveBeenCalledWith(clock.now() - ACK_MS, clock.now(), 2000);
  });
});
