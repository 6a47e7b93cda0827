import { HttpException, HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { LoginResponse, WhoAmIResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { AppConfigService } from '../config/app-config.service';
import { UserAccount, UsersService } from '../users/users.service';
import { normalizeName } from '@avisa/contracts';
import { ApiTokensService, API_TOKEN_PREFIX } from './api-tokens.service';
import { ANY_ADDRESS, LoginAttemptsRepository } from './login-attempts.repository';
import { SessionRepository } from './session.repository';
import { JobRunner } from '../cluster/job-runner';
import { apiError, codedPayloadOf } from '../common/http/api-error';

export const SESSION_TOKEN_PREFIX = 'avs_';
const PRUNE_MS = 10 * 60_000;

export class AccountLockedException extends HttpException {
  constructor(retryAfterSeconds: number, scope: 'address' | 'account') {
    const code = scope === 'address' ? 'auth.locked_address' : 'auth.locked_account';
    const payload = codedPayloadOf(code, [{ minutes: Math.ceil(retryAfterSeconds / 60) }]);
    super({ ...payload, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger(AuthService.name);
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionRepository,
    private readonly attempts: LoginAttemptsRepository,
    private readonly apiTokens: ApiTokensService,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly config: AppConfigService,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.events.on('sessions.revoked', async ({ userId, exceptSessionId }) => {
      const count = await this.sessions.deleteForUser(userId, exceptSessionId);
      if (count) this.logger.log(`revoked ${count} session(s) of user ${userId}`);
    });
    this.jobs.every('auth-prune', PRUNE_MS, () => this.prune());
  }

  /** Checks a username and password, applying the lockouts; used by the passport-local strategy. */
  async verifyCredentials(rawUsername: string, password: string, ip: string): Promise<UserAccount> {
    const username = normalizeName(rawUsername).slice(0, 64);
    const now = this.clock.now();
    const actor: Actor = { kind: 'anonymous', id: null, name: username || 'anonymous', ip };
    const lock = await this.attempts.activeLock(username, ip, now);
    if (lock) {
      await this.events.emit('auth.login.failed', { actor, target: username, details: { reason: 'locked' } });
      throw new AccountLockedException(
        Math.ceil((lock.lockedUntil - now) / 1000),
        lock.ip === ANY_ADDRESS ? 'account' : 'address',
      );
    }
    const user = await this.users.findAccountByUsername(username);
    const matches = await this.crypto.verifyPassword(password, user?.passwordHash ?? (await this.getDummyHash()));
    if (user && matches) {
      if (!user.enabled) {
        await this.events.emit('auth.login.failed', { actor, target: username, details: { reason: 'disabled' } });
        throw apiError('auth.account_disabled');
      }
      await this.attempts.clearFailures(username, ip);
      return user;
    }
    await this.recordFailure(username, ip, now, actor, user ? 'wrong password' : 'unknown user');
    throw apiError('auth.wrong_credentials');
  }

  async createSession(user: UserAccount, ip: string | null, userAgent: string | undefined): Promise<LoginResponse> {
    const token = this.crypto.randomToken(SESSION_TOKEN_PREFIX);
    const now = this.clock.now();
    const expiresAt = now + this.config.get('AVISA_SESSION_ABSOLUTE_SECONDS') * 1000;
    await this.sessions.create({
      id: this.crypto.sha256(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip,
      userAgent: userAgent?.slice(0, 256) ?? null,
    });
    await this.events.emit('auth.login.succeeded', {
      actor: { kind: 'user', id: user.id, name: user.username, ip },
      target: user.username,
    });
    return {
      token,
      expiresAt: new Date(expiresAt).toISOString(),
      idleTimeoutSeconds: this.config.get('AVISA_SESSION_IDLE_SECONDS'),
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
    };
  }

  /** Resolves a bearer token (session or API token) to its principal, or refuses it with the reason. */
  async authenticate(token: string, options: { touch?: boolean } = {}): Promise<Principal> {
    if (token.startsWith(API_TOKEN_PREFIX)) return this.apiTokens.authenticate(token);
    const id = this.crypto.sha256(token);
    const session = await this.sessions.findById(id);
    if (!session) throw apiError('auth.session_ended');
    const now = this.clock.now();
    const idleMs = this.config.get('AVISA_SESSION_IDLE_SECONDS') * 1000;
    if (now >= session.expiresAt) {
      await this.sessions.delete(id);
      throw apiError('auth.session_max_age');
    }
    if (now - session.lastSeenAt >= idleMs) {
      await this.sessions.delete(id);
      throw apiError('auth.session_idle');
    }
    const user = await this.users.findAccount(session.userId);
    if (!user || !user.enabled) {
      await this.sessions.delete(id);
      throw apiError('auth.account_inactive');
    }
    if (options.touch !== false && now - session.lastSeenAt >= Math.min(60_000, idleMs / 4)) {
      await this.sessions.touch(id, now);
    }
    return {
      kind: 'user',
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      sessionId: id,
    };
  }

  async logout(principal: Principal, actor: Actor): Promise<void> {
    if (principal.kind !== 'user') return;
    await this.sessions.delete(principal.sessionId);
    await this.events.emit('auth.logout', { actor, target: principal.username });
  }

  whoAmI(principal: Principal): WhoAmIResponse {
    return principal.kind === 'user'
      ? {
          kind: 'user',
          id: principal.userId,
          username: principal.username,
          displayName: principal.displayName,
          role: principal.role,
        }
      : { kind: 'token', id: principal.tokenId, name: principal.name, scopes: principal.scopes };
  }

  private async recordFailure(username: string, ip: string, now: number, actor: Actor, reason: string) {
    await this.attempts.recordFailure(username, ip, now);
    await this.events.emit('auth.login.failed', { actor, target: username, details: { reason } });
    const windowStart = now - this.config.get('AVISA_LOGIN_LOCK_SECONDS') * 1000;
    const until = now + this.config.get('AVISA_LOGIN_LOCK_SECONDS') * 1000;
    const pairFailures = await this.attempts.countFailures(username, ip, windowStart);
    if (pairFailures >= this.config.get('AVISA_LOGIN_MAX_FAILURES')) {
      await this.attempts.lock(username, ip, until);
      await this.events.emit('auth.login.locked', {
        actor,
        target: username,
        details: { scope: 'address', failures: pairFailures, until: new Date(until).toISOString() },
      });
      throw new AccountLockedException(this.config.get('AVISA_LOGIN_LOCK_SECONDS'), 'address');
    }
    const accountFailures = await this.attempts.countFailures(username, null, windowStart);
    if (accountFailures >= this.config.get('AVISA_LOGIN_ACCOUNT_MAX_FAILURES')) {
      await this.attempts.lock(username, ANY_ADDRESS, until);
      await this.events.emit('auth.login.locked', {
        actor,
        target: username,
        details: { scope: 'account', failures: accountFailures, until: new Date(until).toISOString() },
      });
    }
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.crypto.hashPassword(this.crypto.randomToken('', 16));
    return this.dummyHash;
  }

  private async prune(): Promise<void> {
    const now = this.clock.now();
    await this.sessions.deleteExpired(now, now - this.config.get('AVISA_SESSION_IDLE_SECONDS') * 1000);
    await this.attempts.prune(now, now - this.config.get('AVISA_LOGIN_LOCK_SECONDS') * 1000);
  }
}
