import { Injectable } from '@nestjs/common';
import type { ApiTokenResponse, CreatedApiTokenResponse, TokenCreatorStatus } from '@avisa/contracts';
import { RedisConnection } from '../cluster/redis-connection';
import { SingleServerMemo } from '../cluster/single-server-memo';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { UserAccount, UsersService } from '../users/users.service';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensRepository } from './api-tokens.repository';
import { CreateApiTokenDto, toApiTokenResponse } from './dto/api-token.dto';
import { apiError } from '../common/http/api-error';

export const API_TOKEN_PREFIX = 'avt_';
const DAY_MS = 86_400_000;
/** Last use is for people reading the list: written at most once a minute per token, not on every call. */
const LAST_USE_PRECISION_MS = 60_000;

/** A token found valid, with its creator's status then; kept until anything changes either. */
interface CheckedToken {
  entity: ApiTokenEntity;
  status: TokenCreatorStatus;
}

function creatorStatusOf(creator: UserAccount | null | undefined): TokenCreatorStatus {
  if (!creator) return 'deleted';
  return creator.enabled ? 'active' : 'disabled';
}

@Injectable()
export class ApiTokensService {
  /** Valid tokens by hash, on a single server, until a revocation or a change to an account. */
  private readonly checked: SingleServerMemo<string, CheckedToken>;

  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly users: UsersService,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    redis: RedisConnection,
  ) {
    this.checked = new SingleServerMemo(redis);
    events.on('user.enabled.changed', () => this.checked.forget());
    events.on('user.deleted', () => this.checked.forget());
  }

  async list(): Promise<ApiTokenResponse[]> {
    const [tokens, users] = await Promise.all([this.tokens.list(), this.users.listAccounts()]);
    const byId = new Map(users.map((u) => [u.id, u]));
    return tokens.map((t) =>
      toApiTokenResponse(t, creatorStatusOf(t.createdById === null ? null : byId.get(t.createdById))),
    );
  }

  async create(dto: CreateApiTokenDto, actor: Actor): Promise<CreatedApiTokenResponse> {
    if (await this.tokens.findByName(dto.name)) {
      throw apiError('token.exists', { name: dto.name });
    }
    const token = this.crypto.randomToken(API_TOKEN_PREFIX);
    const now = this.clock.now();
    const entity = await this.tokens.create({
      name: dto.name,
      displayName: dto.displayName || dto.name,
      tokenHash: this.crypto.sha256(token),
      prefix: token.slice(0, 12),
      scopes: [...new Set(dto.scopes)],
      createdBy: actor.name,
      createdById: actor.id,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: dto.expiresInDays ? now + dto.expiresInDays * DAY_MS : null,
      revokedAt: null,
    });
    await this.events.emit('api-token.created', {
      actor,
      target: entity.name,
      details: {
        ...(entity.displayName !== entity.name ? { displayName: entity.displayName } : {}),
        scopes: entity.scopes,
        expiresAt: entity.expiresAt ? new Date(entity.expiresAt).toISOString() : null,
      },
    });
    return { ...toApiTokenResponse(entity, 'active'), token };
  }

  async revoke(id: number, actor: Actor): Promise<ApiTokenResponse> {
    const entity = await this.tokens.findById(id);
    if (!entity) throw apiError('token.not_found', { id });
    if (entity.revokedAt === null) {
      entity.revokedAt = this.clock.now();
      await this.tokens.update(id, { revokedAt: entity.revokedAt });
      this.checked.forget();
      await this.events.emit('api-token.revoked', { actor, target: entity.name });
    }
    return toApiTokenResponse(entity, creatorStatusOf(await this.creatorOf(entity)));
  }

  /**
   * A token works while it is neither revoked nor expired and the account that created it exists and is enabled.
   * Checked on every call, so re-enabling that account brings its tokens back; deleting it ends them for good.
   * A single server checks a token it found valid against what it read then, until a revocation or a change to an
   * account makes it read again.
   */
  async authenticate(token: string): Promise<Principal> {
    const tokenHash = this.crypto.sha256(token);
    const { entity, status } = await this.checked.get(
      tokenHash,
      () => this.lookUp(tokenHash),
      (checked) => checked.entity.revokedAt === null && checked.status === 'active',
    );
    const now = this.clock.now();
    if (entity.revokedAt !== null) throw apiError('auth.token_revoked');
    if (entity.expiresAt !== null && now >= entity.expiresAt) throw apiError('auth.token_expired');
    if (status === 'disabled') {
      throw apiError('auth.token_creator_disabled');
    }
    if (status === 'deleted') {
      throw apiError('auth.token_creator_deleted');
    }
    if (entity.lastUsedAt === null || now - entity.lastUsedAt >= LAST_USE_PRECISION_MS) {
      entity.lastUsedAt = now;
      await this.tokens.update(entity.id, { lastUsedAt: now });
    }
    return { kind: 'token', tokenId: entity.id, name: entity.name, scopes: entity.scopes };
  }

  private async lookUp(tokenHash: string): Promise<CheckedToken> {
    const entity = await this.tokens.findByHash(tokenHash);
    if (!entity) throw apiError('auth.token_unknown');
    return { entity, status: creatorStatusOf(await this.creatorOf(entity)) };
  }

  private creatorOf(entity: ApiTokenEntity): Promise<UserAccount | null> {
    return entity.createdById === null ? Promise.resolve(null) : this.users.findAccount(entity.createdById);
  }
}
