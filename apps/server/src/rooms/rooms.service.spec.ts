import { EventBus } from '../common/events/event-bus';
import { RetryLaterException } from '../common/http/retry-later.exception';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { AttemptWindows } from '../cluster/attempt-windows';
import { RedisConnection } from '../cluster/redis-connection';
import { AppConfigService } from '../config/app-config.service';
import { UsersService } from '../users/users.service';
import { FakeClock, adminActor, newTestService, testConfig } from '../../test/utils';
import { RoomEntity } from './room.entity';
import { RoomsRepository } from './rooms.repository';
import { newRoomCode, RoomsService } from './rooms.service';
import { apiError } from '../common/http/api-error';

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
  name: 'Vault',
  nameKey: 'vault',
  description: '',
  kind: 'protected',
  code: 'abcd-efgh-ijkm-npqr',
  passwordHash: 'hash',
  retentionDays: null,
  lastSeq: 0,
  lastMessageAt: null,
  archivedAt: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

function roomsService() {
  const config = testConfig();
  const { sut, mock } = newTestService(RoomsService, [
    [Clock, new FakeClock(T0)],
    [AttemptWindows, new AttemptWindows(new RedisConnection(config))],
    [AppConfigService, config],
  ]);
  const mocks = {
    rooms: mock(RoomsRepository),
    crypto: mock(CryptoService),
    events: mock(EventBus),
    users: mock(UsersService),
  };
  mocks.events.emit.mockImplementation(async () => undefined);
  mocks.crypto.verifyPassword.mockImplementation(async (password: string) => password === 'Open-Sesame-26');
  mocks.rooms.member.mockImplementation(async () => null);
  return { sut, mocks };
}

describe('newRoomCode', () => {
  it('makes four groups of four unambiguous letters, different every time', () => {
    const codes = new Set(Array.from({ length: 200 }, newRoomCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){3}$/);
  });
});

describe('RoomsService.joinWithCode', () => {
  it('answers an unknown code and a wrong password with the same refusal, and audits why', async () => {
    const { sut, mocks } = roomsService();
    mocks.rooms.findByCode.mockImplementation(async (code: string) => (code === room().code ? room() : null));
    const unknown = sut.joinWithCode('zzzz-zzzz-zzzz-zzzz', 'x', luis, adminActor);
    await expect(unknown).rejects.toEqual(apiError('room.join_refused'));
    const wrong = sut.joinWithCode(room().code!, 'guess', luis, adminActor);
    await expect(wrong).rejects.toEqual(apiError('room.join_refused'));
    const reasons = mocks.events.emit.mock.calls
      .filter(([name]) => name === 'room.join.failed')
      .map(([, event]) => (event as unknown as { details: { reason: string } }).details.reason);
    expect(reasons).toEqual(['unknown code', 'wrong password']);
    expect(mocks.rooms.addMember).not.toHaveBeenCalled();
  });

  it('refuses an archived room with the same answer', async () => {
    const { sut, mocks } = roomsService();
    mocks.rooms.findByCode.mockImplementation(async () => room({ archivedAt: T0 }));
    await expect(sut.joinWithCode(room().code!, 'Open-Sesame-26', luis, adminActor)).rejects.toEqual(
      apiError('room.join_refused'),
    );
  });

  it('after five failures, asks to wait even for the right password', async () => {
    const { sut, mocks } = roomsService();
    mocks.rooms.findByCode.mockImplementation(async () => room());
    for (let i = 0; i < 5; i++)
      await expect(sut.joinWithCode(room().code!, `guess-${i}`, luis, adminActor)).rejects.toThrow();
    await expect(sut.joinWithCode(room().code!, 'Open-Sesame-26', luis, adminActor)).rejects.toBeInstanceOf(
      RetryLaterException,
    );
  });
});

describe('RoomsService.create', () => {
  it('refuses a protected room without a password, naming the field', async () => {
    const { sut, mocks } = roomsService();
    mocks.rooms.findByNameKey.mockImplementation(async () => null);
    const admin = { ...luis, role: 'admin' as const };
    await expect(sut.create({ name: 'Vault', kind: 'protected' }, admin, adminActor)).rejects.toEqual(
      new FieldValidationException({ password: ['password is required for a protected room'] }),
    );
    expect(mocks.rooms.createRoom).not.toHaveBeenCalled();
  });
});
