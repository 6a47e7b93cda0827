import type {
  ReceiverConnectionResponse,
  ReceiverResponse,
  CreateReceiverRequest,
  UpdateReceiverRequest,
} from '@avisa/contracts';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsDisplayName } from '../../common/http/display-name';
import { toIso } from '../../database/columns';
import type { PresenceInfo } from '../../fanout/receiver-hub';
import { IsNormalizedName } from '../../common/http/names';
import { ReceiverConnectionEntity, ReceiverEntity } from '../receiver.entity';

export class CreateReceiverDto implements CreateReceiverRequest {
  /** Site name, e.g. `farmacia-centro`; stored trimmed and in lower case. */
  @IsNormalizedName('name')
  name!: string;

  @IsOptional()
  @IsDisplayName()
  displayName?: string;
}

export class UpdateReceiverDto implements UpdateReceiverRequest {
  @IsOptional()
  @IsDisplayName()
  displayName?: string;

  /** A disabled site is disconnected at once and cannot connect. */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export function toReceiverResponse(
  entity: ReceiverEntity,
  presence: PresenceInfo | null | undefined,
): ReceiverResponse {
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
