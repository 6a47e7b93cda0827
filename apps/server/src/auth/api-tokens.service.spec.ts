import { UnauthorizedException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { RedisConnection } from '../cluster/redis-connection';
import { EventBus } from '../common/events/event-bus';
import { CryptoService } from '../common/system/crypto.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { FakeClock, newTestService } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';

function setup(
  token: Partial<ApiTokenEntity>,
  creator: Partial<UserEntity> | null,
  instances: 'one' | 'several' = 'one',
) {
  const clock = new FakeClock();
  const events = new EventBus(new EventEmitter2());
  const redis = { client: instances === 'one' ? null : {} } as RedisConnection;
  const entity = {
    id: 7,
    name: 'zabbix',
    scopes: ['read'],
    createdBy: 'jefa',
    createdById: 3,
    createdAt: clock.now(),
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...token,
  } as ApiTokenEntity;
  const { sut, mock } = newTestService(ApiTokensService, [
    [Clock, clock],
    [EventBus, events],
    [RedisConnection, redis],
  ]);
  const mocks = { tokens: mock(ApiTokensRepository), users: mock(UsersService) };
  mocks.tokens.findByHash.mockImplementation(async () => entity);
  mocks.tokens.update.mockImplementation(async (_id: number, changes: Partial<ApiTokenEntity>) => {
    Object.assign(entity, changes);
  });
  mocks.users.findAccount.mockImplementation(async () =>
    creator ? ({ id: 3, username: 'jefa', ...creator } as UserEntity) : null,
  );
  mock(CryptoService).sha256.mockImplementation(() => 'hash');
  return { sut, mocks, clock, events, entity };
}

const actor = { kind: 'user' as const, id: 1, name: 'admin', ip: null };

describe('ApiTokensService.authenticate', () => {
  it('accepts a token whose creator is enabled, writing its last use at most once a minute', async () => {
    const { sut, mocks, clock } = setup({}, { enabled: true });
    await expect(sut.authenticate('avt_x')).resolves.toEqual({
      kind: 'token',
      tokenId: 7,
      name: 'zabbix',
      scopes: ['read'],
    });
    clock.advance(59_999);
    await sut.authenticate('avt_x');
    expect(mocks.tokens.update).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await sut.authenticate('avt_x');
    expect(mocks.tokens.update).toHaveBeenCalledTimes(2);
    expect(mocks.users.findAccount).toHaveBeenCalledWith(3);
  });

  it.each([
    ['disabled', { createdById: 3 }, { enabled: false }, /is disabled/],
    ['deleted', { createdById: 3 }, null, /no longer exists/],
    ['unknown since the migration', { createdById: null }, { enabled: true }, /no longer exists/],
  ])('refuses a token whose creator is %s, without recording a use', async (_what, token, creator, message) => {
    const { sut, mocks } = setup(token, creator);
    const error = await sut.authenticate('avt_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as Error).message).toMatch(message);
    expect(mocks.tokens.update).not.toHaveBeenCalled();
  });

  it('on one server reads a valid token once, and again after any change to an account or a revocation', async () => {
    const creator = { enabled: true };
    const { sut, mocks, events } = setup({}, creator);
    await sut.authenticate('avt_x');
    await sut.authenticate('avt_x');
    expect(mocks.tokens.findByHash).toHaveBeenCalledTimes(1);

    creator.enabled = false;
    await events.emit('user.enabled.changed', { actor, target: 'jefa', details: { enabled: false } });
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/is disabled/);
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/is disabled/);
    expect(mocks.tokens.findByHash).toHaveBeenCalledTimes(3);

    creator.enabled = true;
    await events.emit('user.enabled.changed', { actor, target: 'jefa', details: { enabled: true } });
    await sut.authenticate('avt_x');
    mocks.tokens.findById.mockImplementation(async () => mocks.tokens.findByHash());
    await sut.revoke(7, actor);
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/revoked/);

    mocks.users.findAccount.mockImplementation(async () => null);
    await events.emit('user.deleted', { actor, target: 'jefa', details: { role: 'technician' } });
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/revoked/);
  });

  it('on one server checks the expiry of a token it holds on every call', async () => {
    const { sut, mocks, clock } = setup({ expiresAt: Date.parse('2026-11-22T10:00:01Z') }, { enabled: true });
    await sut.authenticate('avt_x');
    clock.advance(1_000);
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/expired/);
    expect(mocks.tokens.findByHash).toHaveBeenCalledTimes(1);
  });

  it('does not keep what a lookup read when an account changed while it was reading', async () => {
    const creator = { enabled: true };
    const { sut, mocks, events } = setup({}, creator);
    let release: () => void = () => undefined;
    mocks.users.findAccount.mockImplementationOnce(
      () => new Promise<UserEntity>((resolve) => (release = () => resolve({ id: 3, enabled: true } as UserEntity))),
    );
    const first = sut.authenticate('avt_x');
    await Promise.resolve();
    creator.enabled = false;
    await events.emit('user.enabled.changed', { actor, target: 'jefa', details: { enabled: false } });
    release();
    await first;
    expect(mocks.tokens.findByHash).toHaveBeenCalledTimes(1);
    await expect(sut.authenticate('avt_x')).rejects.toThrow(/is disabled/);
  });

  it('with several instances reads the token and its creator on every call', async () => {
    const { sut, mocks } = setup({}, { enabled: true }, 'several');
    await sut.authenticate('avt_x');
    await sut.authenticate('avt_x');
    expect(mocks.tokens.findByHash).toHaveBeenCalledTimes(2);
    expect(mocks.users.findAccount).toHaveBeenCalledTimes(2);
  });
});
