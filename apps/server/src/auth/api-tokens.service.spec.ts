import { jest } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { EventBus } from '../common/events/event-bus';
import { CryptoService } from '../common/system/crypto.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { FakeClock, mockOf } from '../../test/utils';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';

function setup(token: Partial<ApiTokenEntity>, creator: Partial<UserEntity> | null) {
  const clock = new FakeClock();
  const entity = {
    id: 7,
    name: 'zabbix',
    scopes: ['read'],
    createdBy: 'jefa',
    createdById: 3,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...token,
  } as ApiTokenEntity;
  const mocks = {
    tokens: mockOf<ApiTokensRepository>({
      findByHash: jest.fn(async () => entity),
      update: jest.fn(async (_id: number, changes: Partial<ApiTokenEntity>) => void Object.assign(entity, changes)),
    }),
    users: mockOf<UsersService>({
      findAccount: jest.fn(async () => (creator ? ({ id: 3, username: 'jefa', ...creator } as UserEntity) : null)),
    }),
  };
  const sut = new ApiTokensService(
    mocks.tokens as unknown as ApiTokensRepository,
    mocks.users as unknown as UsersService,
    mockOf<CryptoService>({ sha256: jest.fn(() => 'hash') }) as unknown as CryptoService,
    clock,
    mockOf<EventBus>() as unknown as EventBus,
  );
  return { sut, mocks, clock };
}

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
});
