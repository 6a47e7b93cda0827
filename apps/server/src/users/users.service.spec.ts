import { ConflictException, ForbiddenException } from '@nestjs/common';
import { EventBus } from '../common/events/event-bus';
import { CryptoService } from '../common/system/crypto.service';
import { FakeClock, adminActor, newTestService, testConfig } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { AttemptWindows } from '../cluster/attempt-windows';
import { RedisConnection } from '../cluster/redis-connection';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

const make = (overrides: Partial<UserEntity>): UserEntity => ({
  id: 2,
  username: 'marin',
  displayName: 'marin',
  role: 'operator',
  enabled: true,
  builtin: false,
  passwordHash: 'old-hash',
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

function setup(existing: UserEntity[]) {
  const { sut, mock } = newTestService(UsersService, [
    [Clock, new FakeClock()],
    [AttemptWindows, new AttemptWindows(new RedisConnection(testConfig()))],
    [AppConfigService, testConfig({ AVISA_PASSWORD_CHANGE_MAX_FAILURES: '3' })],
  ]);
  const mocks = { users: mock(UsersRepository), crypto: mock(CryptoService), events: mock(EventBus) };
  mocks.users.findById.mockImplementation(async (id: number) => existing.find((u) => u.id === id) ?? null);
  mocks.users.findByUsername.mockImplementation(
    async (name: string) => existing.find((u) => u.username === name) ?? null,
  );
  mocks.crypto.hashPassword.mockImplementation(async () => 'new-hash');
  mocks.events.emit.mockImplementation(async () => undefined);
  return { sut, mocks };
}

const builtinAdmin = make({ id: 1, username: 'admin', role: 'admin', builtin: true });

describe('UsersService', () => {
  it('audits each wrong current password, ends every session of the user at the limit, then answers 429', async () => {
    const { sut, mocks } = setup([make({})]);
    mocks.crypto.verifyPassword.mockImplementation(async () => false);
    const principal = {
      kind: 'user',
      userId: 2,
      username: 'marin',
      displayName: 'marin',
      role: 'operator',
      sessionId: 's1',
    } as const;
    const change = () => sut.changeOwnPassword(principal, adminActor, 'guess', 'Bright-Orange-Lamp-9');
    await expect(change()).rejects.toThrow('currentPassword is wrong');
    await expect(change()).rejects.toThrow('currentPassword is wrong');
    await expect(change()).rejects.toThrow(/sessions were ended/);
    const emitted = mocks.events.emit.mock.calls.map(([name]) => name);
    expect(emitted.filter((n) => n === 'auth.password.change_failed')).toHaveLength(3);
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'sessions.revoked',
      expect.objectContaining({ userId: 2, exceptSessionId: null }),
    );
    await expect(change()).rejects.toMatchObject({ status: 429 });
    expect(mocks.crypto.verifyPassword).toHaveBeenCalledTimes(3);
  });

  it('refuses a username that is taken', async () => {
    const { sut, mocks } = setup([make({})]);
    await expect(sut.create({ username: 'marin', role: 'operator', password: 'x' }, adminActor)).rejects.toBeInstanceOf(
      ConflictException,
    );
    expect(mocks.users.create).not.toHaveBeenCalled();
  });

  it.each([
    ['deleted', (s: UsersService) => s.delete(1, { ...adminActor, id: 5 })],
    ['disabled', (s: UsersService) => s.setEnabled(1, false, { ...adminActor, id: 5 })],
    ['demoted', (s: UsersService) => s.changeRole(1, 'operator', { ...adminActor, id: 5 })],
  ])('never lets the built-in admin be %s', async (what, act) => {
    const { sut, mocks } = setup([builtinAdmin]);
    await expect(act(sut)).rejects.toThrow(new ForbiddenException(`the built-in admin cannot be ${what}`));
    expect(mocks.users.update).not.toHaveBeenCalled();
    expect(mocks.users.delete).not.toHaveBeenCalled();
  });

  it('does not let an admin delete itself', async () => {
    const { sut, mocks } = setup([make({ id: 5, username: 'jefa', role: 'admin' })]);
    await expect(sut.delete(5, { ...adminActor, id: 5, name: 'jefa' })).rejects.toThrow(/your own account/);
    expect(mocks.users.delete).not.toHaveBeenCalled();
  });

  it('revokes the sessions of a user whose role changes, and audits the change', async () => {
    const { sut, mocks } = setup([make({})]);
    await sut.changeRole(2, 'admin', adminActor);
    expect(mocks.users.update).toHaveBeenCalledWith(2, expect.objectContaining({ role: 'admin' }));
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'sessions.revoked',
      expect.objectContaining({ userId: 2, exceptSessionId: null }),
    );
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'user.role.changed',
      expect.objectContaining({ target: 'marin', details: { from: 'operator', to: 'admin' } }),
    );
  });

  it('changes an own password only with the current one, keeping the current session', async () => {
    const { sut, mocks } = setup([make({})]);
    mocks.crypto.verifyPassword.mockImplementation(async (pw: string) => pw === 'current-pw');
    const principal = {
      kind: 'user' as const,
      userId: 2,
      username: 'marin',
      displayName: 'marin',
      role: 'operator' as const,
      sessionId: 's1',
    };
    await expect(sut.changeOwnPassword(principal, adminActor, 'wrong', 'Brand-New-2026')).rejects.toThrow(
      /currentPassword is wrong/,
    );
    expect(mocks.users.update).not.toHaveBeenCalled();
    await sut.changeOwnPassword(principal, adminActor, 'current-pw', 'Brand-New-2026');
    expect(mocks.users.update).toHaveBeenCalledWith(2, expect.objectContaining({ passwordHash: 'new-hash' }));
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'sessions.revoked',
      expect.objectContaining({ userId: 2, exceptSessionId: 's1' }),
    );
  });
});
