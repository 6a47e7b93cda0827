import { EventEmitter2 } from '@nestjs/event-emitter';
import { EventBus } from './event-bus';

const presence = { name: 'norte', online: true, connectedSince: null, lastSeenAt: null, clientVersion: null };

describe('EventBus.wanted', () => {
  it('is false for an event nobody listens to', () => {
    expect(new EventBus(new EventEmitter2()).wanted('receiver.presence')).toBe(false);
  });

  it('is true for a listener without a condition', () => {
    const events = new EventBus(new EventEmitter2());
    events.on('receiver.presence', () => undefined);
    expect(events.wanted('receiver.presence')).toBe(true);
    expect(events.wanted('deliveries.updated')).toBe(false);
  });

  it("follows a listener's condition, and any listener that wants it is enough", () => {
    const events = new EventBus(new EventEmitter2());
    let watching = false;
    events.on('receiver.presence', () => undefined, { wantedWhile: () => watching });
    expect(events.wanted('receiver.presence')).toBe(false);
    watching = true;
    expect(events.wanted('receiver.presence')).toBe(true);
    watching = false;
    events.on('receiver.presence', () => undefined, { wantedWhile: () => true });
    expect(events.wanted('receiver.presence')).toBe(true);
  });

  it('still calls a listener whose condition does not hold', async () => {
    const events = new EventBus(new EventEmitter2());
    const heard: string[] = [];
    events.on('receiver.presence', (p) => heard.push(p.name), { wantedWhile: () => false });
    await events.emit('receiver.presence', presence);
    expect(heard).toEqual(['norte']);
  });
});
