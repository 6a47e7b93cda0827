import {
  TOKEN_SCOPES,
  type ApiTokenResponse,
  type TokenCreatorStatus,
  type TokenScope,
  type CreateApiTokenRequest,
} from '@avisa/contracts';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { toIso } from '../../database/columns';
import { IsNormalizedName } from '../../common/http/names';
import { IsDisplayName } from '../../common/http/display-name';
import { ApiTokenEntity } from '../api-token.entity';

export class CreateApiTokenDto implements CreateApiTokenRequest {
  /** A name saying what uses the token, e.g. `zabbix`. */
  @IsNormalizedName('name')
  name!: string;

  /** The name people read ("Nagios monitorización"), kept as typed (trimmed); the key when omitted. */
  @IsOptional()
  @IsDisplayName()
  displayName?: string;

  /** What the token may do. */
  @IsArray({ message: 'scopes must be an array' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @IsIn(TOKEN_SCOPES, { each: true, message: `each scope must be one of: ${TOKEN_SCOPES.join(', ')}` })
  scopes!: TokenScope[];

  /** Days until the token stops working; no expiry when omitted. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;
}

export function toApiTokenResponse(entity: ApiTokenEntity, creatorStatus: TokenCreatorStatus): ApiTokenResponse {
  return {
    id: entity.id,
    name: entity.name,
    displayName: entity.displayName || entity.name,
    prefix: entity.prefix,
    scopes: entity.scopes,
    createdBy: entity.createdBy,
    createdById: entity.createdById,
    creatorStatus,
    createdAt: toIso(entity.createdAt)!,
    lastUsedAt: toIso(entity.lastUsedAt),
    expiresAt: toIso(entity.expiresAt),
    revokedAt: toIso(entity.revokedAt),
  };
}
