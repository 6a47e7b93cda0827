import { Injectable } from '@nestjs/common';
import type { Role, UserResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';

import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { AttemptWindow, AttemptWindows } from '../cluster/attempt-windows';
import { AppConfigService } from '../config/app-config.service';
import { CreateUserDto, toUserResponse } from './dto/user.dto';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';
import { apiError, fieldError, fieldProblem, retryLater } from '../common/http/api-error';

const WRONG_CURRENT_WINDOW_MS = 15 * 60_000;

/** What sign-in, sessions and API tokens need of an account: the users module owns the table, auth reads this. */
export type UserAccount = Readonly<
  Pick<UserEntity, 'id' | 'username' | 'displayName' | 'role' | 'enabled' | 'builtin' | 'passwordHash'>
>;

@Injectable()
export class UsersService {
  /** Wrong current passwords per user; the window is shared by every instance. */
  private readonly wrongCurrent: AttemptWindow;
  private readonly maxWrongCurrent: number;

  constructor(
    private readonly users: UsersRepository,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    windows: AttemptWindows,
    config: AppConfigService,
  ) {
    this.maxWrongCurrent = config.get('AVISA_PASSWORD_CHANGE_MAX_FAILURES');
    this.wrongCurrent = windows.create('password-change', this.maxWrongCurrent, WRONG_CURRENT_WINDOW_MS);
  }

  async list(): Promise<UserResponse[]> {
    return (await this.users.list()).map(toUserResponse);
  }

  findAccount(id: number): Promise<UserAccount | null> {
    return this.users.findById(id);
  }

  findAccountByUsername(username: string): Promise<UserAccount | null> {
    return this.users.findByUsername(username);
  }

  listAccounts(): Promise<UserAccount[]> {
    return this.users.list();
  }

  async get(id: number): Promise<UserResponse> {
    return toUserResponse(await this.require(id));
  }

  async create(dto: CreateUserDto, actor: Actor): Promise<UserResponse> {
    if (await this.users.findByUsername(dto.username)) {
      throw apiError('user.exists', { username: dto.username });
    }
    const now = this.clock.now();
    const user = await this.users.create({
      username: dto.username,
      displayName: dto.displayName ?? dto.username,
      role: dto.role,
      enabled: true,
      builtin: false,
      passwordHash: await this.crypto.hashPassword(dto.password),
      createdAt: now,
      updatedAt: now,
    });
    await this.events.emit('user.created', { actor, target: user.username, details: { role: user.role } });
    return toUserResponse(user);
  }

  async updateDisplayName(id: number, displayName: string, actor: Actor): Promise<UserResponse> {
    const user = await this.require(id);
    await this.users.update(id, { displayName, updatedAt: this.clock.now() });
    await this.events.emit('user.updated', {
      actor,
      target: user.username,
      details: { displayName: { from: user.displayName, to: displayName } },
    });
    return this.get(id);
  }

  async resetPassword(id: number, password: string, actor: Actor, currentSessionId: string | null): Promise<void> {
    const user = await this.require(id);
    this.refuseSameAsUsername(user, password, 'password');
    await this.users.update(id, {
      passwordHash: await this.crypto.hashPassword(password),
      updatedAt: this.clock.now(),
    });
    await this.revokeSessions(user, actor, 'password reset', currentSessionId);
    await this.events.emit('user.password.reset', { actor, target: user.username });
  }

  async changeRole(id: number, role: Role, actor: Actor): Promise<UserResponse> {
    const user = await this.require(id);
    if (user.role === role) return toUserResponse(user);
    if (user.builtin) throw apiError('user.builtin_demote');
    if (user.id === actor.id && actor.kind === 'user') throw apiError('user.own_role');
    await this.users.update(id, { role, updatedAt: this.clock.now() });
    await this.revokeSessions(user, actor, 'role changed', null);
    await this.events.emit('user.role.changed', {
      actor,
      target: user.username,
      details: { from: user.role, to: role },
    });
    return this.get(id);
  }

  async setEnabled(id: number, enabled: boolean, actor: Actor): Promise<UserResponse> {
    const user = await this.require(id);
    if (user.enabled === enabled) return toUserResponse(user);
    if (!enabled && user.builtin) throw apiError('user.builtin_disable');
    if (!enabled && user.id === actor.id && actor.kind === 'user') {
      throw apiError('user.own_disable');
    }
    await this.users.update(id, { enabled, updatedAt: this.clock.now() });
    if (!enabled) await this.revokeSessions(user, actor, 'disabled', null);
    await this.events.emit('user.enabled.changed', { actor, target: user.username, details: { enabled } });
    return this.get(id);
  }

  async delete(id: number, actor: Actor): Promise<void> {
    const user = await this.require(id);
    if (user.builtin) throw apiError('user.builtin_delete');
    if (user.id === actor.id && actor.kind === 'user') throw apiError('user.own_delete');
    await this.revokeSessions(user, actor, 'deleted', null);
    await this.users.delete(id);
    await this.events.emit('user.deleted', { actor, target: user.username, details: { role: user.role } });
  }

  async changeOwnPassword(principal: Principal, actor: Actor, current: string, next: string): Promise<void> {
    if (principal.kind !== 'user') throw apiError('auth.token_has_no_password');
    const user = await this.require(principal.userId);
    const key = `user:${user.id}`;
    const wait = await this.wrongCurrent.retryAfterSeconds(key, this.clock.now());
    if (wait > 0) {
      throw retryLater(wait, 'password.current_too_many', { minutes: Math.ceil(wait / 60) });
    }
    if (!(await this.crypto.verifyPassword(current, user.passwordHash))) {
      await this.refuseWrongCurrent(user, actor, key);
    }
    this.refuseSameAsUsername(user, next, 'newPassword');
    if (await this.crypto.verifyPassword(next, user.passwordHash)) {
      throw fieldError('newPassword', 'password.same_as_current');
    }
    await this.users.update(user.id, {
      passwordHash: await this.crypto.hashPassword(next),
      updatedAt: this.clock.now(),
    });
    await this.revokeSessions(user, actor, 'password changed', principal.sessionId);
    await this.events.emit('auth.password.changed', { actor, target: user.username });
  }

  /**
   * A wrong current password is audited; after the limit every session of the user ends (a stolen session cannot
   * go on guessing) and further tries wait out the window.
   */
  private async refuseWrongCurrent(user: UserEntity, actor: Actor, key: string): Promise<never> {
    const now = this.clock.now();
    await this.wrongCurrent.record(key, now);
    const locked = (await this.wrongCurrent.retryAfterSeconds(key, now)) > 0;
    await this.events.emit('auth.password.change_failed', {
      actor,
      target: user.username,
      details: { reason: 'wrong current password', sessionsEnded: locked },
    });
    if (locked) {
      await this.revokeSessions(user, actor, 'too many wrong current passwords', null);
      throw fieldError('currentPassword', 'password.current_wrong_sessions_ended', { max: this.maxWrongCurrent });
    }
    throw fieldError('currentPassword', 'password.current_wrong');
  }

  /** A policy violation like the DTO's own checks: 400 naming the field, not a 409 conflict. */
  private refuseSameAsUsername(user: UserEntity, password: string, field: string): void {
    if (password.toLowerCase() === user.username) {
      throw new FieldValidationException([fieldProblem(field, 'password.same_as_username', { field })]);
    }
  }

  private async revokeSessions(user: UserEntity, actor: Actor, reason: string, exceptSessionId: string | null) {
    await this.events.emit('sessions.revoked', {
      actor,
      userId: user.id,
      exceptSessionId,
      target: user.username,
      details: { reason },
    });
  }

  private async require(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw apiError('user.not_found', { id });
    return user;
  }
}
