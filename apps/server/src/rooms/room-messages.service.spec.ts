import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { FakeClock, newTestService } from '../../test/utils';
import { RoomEntity } from './room.entity';
import { RoomMessagesService } from './room-messages.service';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const luis = {
  kind: 'user' as const,
  userId: 7,
  username: 'luis',
  displayName: 'Luis',
  role: 'member' as const,
  sessionId: 's',
};

const room = (over: Partial<RoomEntity> = {}): RoomEntity => ({
  id: 3,
  name: 'Huddle',
  nameKey: 'huddle',
  description: '',
  kind: 'private',
  code: null,
  passwordHash: null,
  retentionDays: null,
  lastSeq: 0,
  lastMessageAt: null,
  archivedAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

describe('RoomMessagesService', () => {
  function messagesService() {
    const clock = new FakeClock(T0);
    const { sut, mock } = newTestService(RoomMessagesService, [[Clock, clock]]);
    const mocks = { rooms: mock(RoomsService), repository: mock(RoomsRepository), events: mock(EventBus) };
    mocks.events.emit.mockImplementation(async () => undefined);
    return { sut, mocks, clock };
  }

  it('relays an ephemeral message live and stores nothing', async () => {
    const { sut, mocks } = messagesService();
    mocks.rooms.requireWriter.mockImplementation(async () => ({
      room: room({ kind: 'ephemeral' }),
      membership: { roomId: 3, userId: 7, role: 'member', deliveredSeq: 0, readSeq: 0, joinedAt: T0 },
    }));
    const sent = await sut.post(3, 'off the record', luis);
    expect(sent).toMatchObject({ ephemeral: true, seq: 0, text: 'off the record', id: expect.stringMatching(/^e-/) });
    expect(mocks.repository.insertMessage).not.toHaveBeenCalled();
    expect(mocks.repository.moveRead).not.toHaveBeenCalled();
    expect(mocks.events.emit.mock.calls.map(([name]) => name)).toEqual(['room.message.posted']);
  });

  it("deletes each room's messages older than its own retention", async () => {
    const { sut, mocks } = messagesService();
    mocks.repository.roomsWithRetention.mockImplementation(async () => [
      room({ id: 1, retentionDays: 7 }),
      room({ id: 2, retentionDays: 30 }),
    ]);
    mocks.repository.deleteOlderThan.mockImplementation(async () => 2);
    expect(await sut.applyRetention()).toBe(4);
    expect(mocks.repository.deleteOlderThan.mock.calls).toEqual([
      [1, T0 - 7 * 86_400_000],
      [2, T0 - 30 * 86_400_000],
    ]);
  });
});
