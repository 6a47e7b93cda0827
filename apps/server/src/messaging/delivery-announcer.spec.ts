import { EventEmitter2 } from '@nestjs/event-emitter';
import { emptyDeliveryCounts, type DeliveriesUpdatedPayload } from '@avisa/contracts';
import { EventBus } from '../common/events/event-bus';
import { announceDelayMs, DeliveryAnnouncer, type DeliveryChange } from './delivery-announcer';
import type { MessagesRepository } from './messages.repository';

describe('announceDelayMs', () => {
  it('announces every 200 ms while counting is quick', () => {
    expect(announceDelayMs(0)).toBe(200);
    expect(announceDelayMs(4)).toBe(200);
  });

  it('gathers longer when a count takes long, so counting stays a twentieth of the time', () => {
    expect(announceDelayMs(35)).toBe(700);
  });

  it('still announces within 2 s however long a count takes', () => {
    expect(announceDelayMs(500)).toBe(2_000);
  });
});

describe('DeliveryAnnouncer', () => {
  const change: DeliveryChange = {
    messageId: 'm1',
    receiver: 'norte',
    state: 'delivered',
    at: Date.UTC(2026, 11, 7, 9),
    reminders: 0,
    flagged: false,
  };

  function announcer(watching: () => boolean) {
    const counted: string[][] = [];
    const messages = {
      counts: (ids: string[]) => {
        counted.push(ids);
        return Promise.resolve(new Map(ids.map((id) => [id, { ...emptyDeliveryCounts(), total: 1, delivered: 1 }])));
      },
    } as unknown as MessagesRepository;
    const events = new EventBus(new EventEmitter2());
    const heard: DeliveriesUpdatedPayload[] = [];
    events.on('deliveries.updated', (p) => heard.push(p), { wantedWhile: watching });
    return { announcer: new DeliveryAnnouncer(messages, events), counted, heard };
  }

  it("counts an alert's copies and tells what changed while someone listens", async () => {
    const { announcer: a, counted, heard } = announcer(() => true);
    a.announce([change]);
    await a.flush();
    expect(counted).toEqual([['m1']]);
    expect(heard).toEqual([
      {
        messageId: 'm1',
        counts: { ...emptyDeliveryCounts(), total: 1, delivered: 1 },
        changes: [
          { receiver: 'norte', state: 'delivered', at: '2026-12-07T09:00:00.000Z', reminders: 0, flagged: false },
        ],
      },
    ]);
  });

  it('counts nothing and tells no one while nobody listens, and counts again once someone does', async () => {
    let watching = false;
    const { announcer: a, counted, heard } = announcer(() => watching);
    a.announce([change]);
    await a.flush();
    expect(counted).toEqual([]);
    expect(heard).toEqual([]);
    watching = true;
    a.announce([{ ...change, receiver: 'sur' }]);
    await a.flush();
    expect(counted).toEqual([['m1']]);
    expect(heard.map((p) => p.changes.map((c) => c.receiver))).toEqual([['sur']]);
  });
});
