import { UnauthorizedException } from '@nestjs/common';
import { CryptoService } from '../common/system/crypto.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { FakeClock, newTestService } from '../../test/utils';
import { Clock } from '../common/system/clock';
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
  const { sut, mock } = newTestService(ApiTokensService, [[Clock, clock]]);
  const mocks = { tokens: mock(ApiTokensRepository), users: mock(UsersService) };
  mocks.tokens.findByHash.mockImplementation(async () => entity);
  mocks.tokens.update.mockImplementation(async (_id: number, changes: Partial<ApiTokenEntity>) => {
    Object.assign(entity, changes);
  });
  mocks.users.findAccount.mockImplementation(async () =>
    creator ? ({ id: 3, username: 'jefa', ...creator } as UserEntity) : null,
  );
  mock(CryptoService).sha256.mockImplementation(() => 'hash');
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
