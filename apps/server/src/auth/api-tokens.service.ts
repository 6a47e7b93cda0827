import { ConflictException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { ApiTokenResponse, CreatedApiTokenResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { ApiTokensRepository } from './api-tokens.repository';
import { CreateApiTokenDto, toApiTokenResponse } from './dto/api-token.dto';

export const API_TOKEN_PREFIX = 'avt_';
const DAY_MS = 86_400_000;

@Injectable()
export class ApiTokensService {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async list(): Promise<ApiTokenResponse[]> {
    return (await this.tokens.list()).map(toApiTokenResponse);
  }

  async create(dto: CreateApiTokenDto, actor: Actor): Promise<CreatedApiTokenResponse> {
    if (await this.tokens.findByName(dto.name)) {
      throw new ConflictException(`an API token named "${dto.name}" already exists`);
    }
    const token = this.crypto.randomToken(API_TOKEN_PREFIX);
    const now = this.clock.now();
    const entity = await this.tokens.create({
      name: dto.name,
      tokenHash: this.crypto.sha256(token),
      prefix: token.slice(0, 12),
      scopes: [...new Set(dto.scopes)],
      createdBy: actor.name,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: dto.expiresInDays ? now + dto.expiresInDays * DAY_MS : null,
      revokedAt: null,
    });
    await this.events.emit('api-token.created', {
      actor,
      target: entity.name,
      details: { scopes: entity.scopes, expiresAt: entity.expiresAt ? new Date(entity.expiresAt).toISOString() : null },
    });
    return { ...toApiTokenResponse(entity), token };
  }

  async revoke(id: number, actor: Actor): Promise<ApiTokenResponse> {
    const entity = await this.tokens.findById(id);
    if (!entity) throw new NotFoundException(`API token ${id} does not exist`);
    if (entity.revokedAt === null) {
      entity.revokedAt = this.clock.now();
      await this.tokens.update(id, { revokedAt: entity.revokedAt });
      await this.events.emit('api-token.revoked', { actor, target: entity.name });
    }
    return toApiTokenResponse(entity);
  }

  async authenticate(token: string): Promise<Principal> {
    const entity = await this.tokens.findByHash(this.crypto.sha256(token));
    if (!entity) throw new UnauthorizedException('unknown API token');
    const now = this.clock.now();
    if (entity.revokedAt !== null) throw new UnauthorizedException('this API token has been revoked');
    if (entity.expiresAt !== null && now >= entity.expiresAt)
      throw new UnauthorizedException('this API token has expired');
    if (entity.lastUsedAt === null || now - entity.lastUsedAt > 60_000) {
      await this.tokens.update(entity.id, { lastUsedAt: now });
    }
    return { kind: 'token', tokenId: entity.id, name: entity.name, scopes: entity.scopes };
  }
}
