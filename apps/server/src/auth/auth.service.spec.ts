import { UnauthorizedException } from '@nestjs/common';
import { EventBus } from '../common/events/event-bus';
import { CryptoService } from '../common/system/crypto.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { FakeClock, newTestService, testConfig } from '../../test/utils';
import { Clock } from '../common/system/clock';
import { AppConfigService } from '../config/app-config.service';
import { ApiTokensService } from './api-tokens.service';
import { AccountLockedException, AuthService } from './auth.service';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { SessionRepository } from './session.repository';
import { SessionEntity } from './session.entity';

const user: UserEntity = {
  id: 7,
  username: 'marin',
  displayName: 'Marín',
  role: 'operator',
  enabled: true,
  builtin: false,
  passwordHash: 'hash',
  createdAt: 0,
  updatedAt: 0,
};

function setup() {
  const clock = new FakeClock();
  const { sut, mock } = newTestService(AuthService, [
    [Clock, clock],
    [AppConfigService, testConfig({ AVISA_SESSION_IDLE_SECONDS: '60', AVISA_SESSION_ABSOLUTE_SECONDS: '600' })],
  ]);
  const mocks = {
    users: mock(UsersService),
    sessions: mock(SessionRepository),
    attempts: mock(LoginAttemptsRepository),
    apiTokens: mock(ApiTokensService),
    crypto: mock(CryptoService),
    events: mock(EventBus),
    clock,
  };
  mocks.crypto.sha256.mockImplementation((v: string) => `sha(${v})`);
  mocks.crypto.randomToken.mockImplementation((prefix: string) => `${prefix}random`);
  mocks.crypto.hashPassword.mockImplementation(async () => 'dummy');
  mocks.events.emit.mockImplementation(async () => undefined);
  mocks.attempts.activeLock.mockResolvedValue(null);
  mocks.attempts.countFailures.mockResolvedValue(1);
  return { sut, mocks };
}

const session = (overrides: Partial<SessionEntity> = {}): SessionEntity => ({
  id: 'sha(avs_x)',
  userId: 7,
  createdAt: 0,
  lastSeenAt: 0,
  expiresAt: 0,
  ip: null,
  userAgent: null,
  ...overrides,
});

describe('AuthService.verifyCredentials', () => {
  it('returns the user for the right password and clears the failures of that pair', async () => {
    const { sut, mocks } = setup();
    mocks.users.findAccountByUsername.mockResolvedValue(user);
    mocks.crypto.verifyPassword.mockResolvedValue(true);
    await expect(sut.verifyCredentials(' MARIN ', 'pw', '10.0.0.1')).resolves.toBe(user);
    expect(mocks.users.findAccountByUsername).toHaveBeenCalledWith('marin');
    expect(mocks.attempts.clearFailures).toHaveBeenCalledWith('marin', '10.0.0.1');
  });

  it('answers the same for an unknown user and a wrong password, after a bcrypt comparison either way', async () => {
    const { sut, mocks } = setup();
    mocks.users.findAccountByUsername.mockResolvedValue(null);
    mocks.crypto.verifyPassword.mockResolvedValue(false);
    await expect(sut.verifyCredentials('ghost', 'pw', '10.0.0.1')).rejects.toThrow('wrong username or password');
    expect(mocks.crypto.verifyPassword).toHaveBeenCalledWith('pw', 'dummy');
    expect(mocks.events.emit).toHaveBeenCalledWith(
      'auth.login.failed',
      expect.objectContaining({ target: 'ghost', details: { reason: 'unknown user' } }),
    );
  });

  it('locks the account for that address at the fifth failure', async () => {
    const { sut, mocks } = setup();
    mocks.users.findAccountByUsername.mockResolvedValue(user);
    mocks.crypto.verifyPassword.mockResolvedValue(false);
    mocks.attempts.countFailures.mockResolvedValue(5);
    await expect(sut.verifyCredentials('marin', 'bad', '10.0.0.1')).rejects.toBeInstanceOf(AccountLockedException);
    expect(mocks.attempts.lock).toHaveBeenCalledWith('marin', '10.0.0.1', mocks.clock.now() + 900_000);
    expect(mocks.events.emit).toHaveBeenCalledWith('auth.login.locked', expect.objectContaining({ target: 'marin' }));
  });

  it('locks the whole account when failures from all addresses reach the ceiling', async () => {
    const { sut, mocks } = setup();
    mocks.users.findAccountByUsername.mockResolvedValue(user);
    mocks.crypto.verifyPassword.mockResolvedValue(false);
    mocks.attempts.countFailures.mockImplementation(async (_u: string, ip: string | null) => (ip ? 1 : 50));
    await expect(sut.verifyCredentials('marin', 'bad', '10.0.0.2')).rejects.toBeInstanceOf(UnauthorizedException);
    expect(mocks.attempts.lock).toHaveBeenCalledWith('marin', '*', expect.any(Number));
  });

  it('refuses even the right password while locked, without checking it', async () => {
    const { sut, mocks } = setup();
    mocks.attempts.activeLock.mockResolvedValue({
      id: 1,
      username: 'marin',
      ip: '10.0.0.1',
      lockedUntil: mocks.clock.now() + 120_000,
    });
    const error = await sut.verifyCredentials('marin', 'pw', '10.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountLockedException);
    expect((error as AccountLockedException).getResponse()).toMatchObject({ retryAfterSeconds: 120 });
    expect(mocks.crypto.verifyPassword).not.toHaveBeenCalled();
  });

  it('refuses a disabled account with the right password', async () => {
    const { sut, mocks } = setup();
    mocks.users.findAccountByUsername.mockResolvedValue({ ...user, enabled: false });
    mocks.crypto.verifyPassword.mockResolvedValue(true);
    await expect(sut.verifyCredentials('marin', 'pw', '10.0.0.1')).rejects.toThrow(/disabled/);
  });
});

describe('AuthService.authenticate', () => {
  it('stores only the hash of a new session token', async () => {
    const { sut, mocks } = setup();
    const response = await sut.createSession(user, '10.0.0.1', 'test');
    expect(response.token).toBe('avs_random');
    expect(mocks.sessions.create).toHaveBeenCalledWith(expect.objectContaining({ id: 'sha(avs_random)' }));
    expect(response.expiresAt).toBe(new Date(mocks.clock.now() + 600_000).toISOString());
  });

  it('accepts a live session and refreshes its idle clock', async () => {
    const { sut, mocks } = setup();
    mocks.sessions.findById.mockResolvedValue(
      session({ lastSeenAt: mocks.clock.now() - 30_000, expiresAt: mocks.clock.now() + 1000 }),
    );
    mocks.users.findAccount.mockResolvedValue(user);
    await expect(sut.authenticate('avs_x')).resolves.toMatchObject({
      kind: 'user',
      username: 'marin',
      sessionId: 'sha(avs_x)',
    });
    expect(mocks.sessions.touch).toHaveBeenCalledWith('sha(avs_x)', mocks.clock.now());
  });

  it('ends a session idle for longer than the idle timeout', async () => {
    const { sut, mocks } = setup();
    mocks.sessions.findById.mockResolvedValue(
      session({ lastSeenAt: mocks.clock.now() - 60_000, expiresAt: mocks.clock.now() + 1000 }),
    );
    await expect(sut.authenticate('avs_x')).rejects.toThrow(/inactivity/);
    expect(mocks.sessions.delete).toHaveBeenCalledWith('sha(avs_x)');
  });

  it('ends a session past its absolute expiry even when active', async () => {
    const { sut, mocks } = setup();
    mocks.sessions.findById.mockResolvedValue(session({ lastSeenAt: mocks.clock.now(), expiresAt: mocks.clock.now() }));
    await expect(sut.authenticate('avs_x')).rejects.toThrow(/maximum duration/);
  });

  it('ends the session of a user disabled meanwhile', async () => {
    const { sut, mocks } = setup();
    mocks.sessions.findById.mockResolvedValue(
      session({ lastSeenAt: mocks.clock.now(), expiresAt: mocks.clock.now() + 1000 }),
    );
    mocks.users.findAccount.mockResolvedValue({ ...user, enabled: false });
    await expect(sut.authenticate('avs_x')).rejects.toThrow(/no longer active/);
  });

  it('hands API tokens to the token service', async () => {
    const { sut, mocks } = setup();
    mocks.apiTokens.authenticate.mockResolvedValue({ kind: 'token', tokenId: 1, name: 'zabbix', scopes: ['read'] });
    await expect(sut.authenticate('avt_abc')).resolves.toMatchObject({ kind: 'token', name: 'zabbix' });
    expect(mocks.sessions.findById).not.toHaveBeenCalled();
  });
});
