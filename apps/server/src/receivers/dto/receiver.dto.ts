import type { ReceiverConnectionResponse, ReceiverResponse } from '@avisa/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { toIso } from '../../database/columns';
import type { PresenceInfo } from '../../fanout/receiver-hub';
import { IsNormalizedName } from '../../users/username';
import { ReceiverConnectionEntity, ReceiverEntity } from '../receiver.entity';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateReceiverDto {
  /** Site name, e.g. `farmacia-centro`; stored trimmed and in lower case. */
  @IsNormalizedName('name')
  name!: string;

  @IsOptional()
  @trim
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  displayName?: string;
}

export class UpdateReceiverDto {
  @IsOptional()
  @trim
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  displayName?: string;

  /** A disabled site is disconnected at once and cannot connect. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export function toReceiverResponse(entity: ReceiverEntity, presence: PresenceInfo | null | undefined): ReceiverResponse {
  return {
    id: entity.id,
    name: entity.name,
    displayName: entity.displayName,
    enabled: entity.enabled,
    online: !!presence,
    connectedSince: presence ? toIso(presence.since) : null,
    lastSeenAt: presence ? new Date().toISOString() : toIso(entity.lastSeenAt),
    clientVersion: presence?.clientVersion ?? entity.clientVersion,
    address: presence?.address ?? null,
    createdAt: toIso(entity.createdAt)!,
  };
}

export function toConnectionResponse(entity: ReceiverConnectionEntity): ReceiverConnectionResponse {
  return {
    id: entity.id,
    address: entity.ip,
    clientVersion: entity.clientVersion,
    connectedAt: toIso(entity.connectedAt)!,
    disconnectedAt: toIso(entity.disconnectedAt),
    endReason: entity.endReason,
  };
}
