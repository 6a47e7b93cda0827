import {
  normalizeTags,
  siteDetailProblem,
  type ReceiverConnectionResponse,
  type ReceiverResponse,
  type CreateReceiverRequest,
  type SiteDetailField,
  type SiteDetails,
  type SiteFilter,
  type UpdateReceiverRequest,
} from '@avisa/contracts';
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { IsDisplayName } from '../../common/http/display-name';
import { toIso } from '../../database/columns';
import type { PresenceInfo } from '../../fanout/receiver-hub';
import { IsNormalizedName } from '../../common/http/names';
import { ReceiverConnectionEntity, ReceiverEntity } from '../receiver.entity';

/** One support detail, trimmed (tags: each trimmed, duplicates dropped), checked by the rule in contracts. */
const IsSiteDetail = (field: SiteDetailField) =>
  applyDecorators(
    Transform(({ value }) =>
      typeof value === 'string'
        ? value.trim()
        : field === 'tags' && Array.isArray(value) && value.every((t) => typeof t === 'string')
          ? normalizeTags(value)
          : value,
    ),
    ValidateBy({
      name: 'siteDetail',
      validator: {
        validate: (value) => siteDetailProblem(field, value) === null,
        defaultMessage: (args) => `${field} ${siteDetailProblem(field, args?.value)}`,
      },
    }),
  );

/** Address, phone, region, tags and notes; an empty value clears one on update. */
export class SiteDetailsDto implements SiteDetails {
  /** Street address, up to 200 characters. */
  @IsOptional()
  @IsSiteDetail('postalAddress')
  postalAddress?: string;

  /** Digits, spaces and + ( ) - . /, up to 32 characters. */
  @IsOptional()
  @IsSiteDetail('phone')
  phone?: string;

  /** Up to 64 characters; the sites lists filter by it. */
  @IsOptional()
  @IsSiteDetail('region')
  region?: string;

  /** Up to 20 tags of up to 32 characters, none holding | , or ;. */
  @IsOptional()
  @IsSiteDetail('tags')
  tags?: string[];

  /** Free text for the support team, up to 2000 characters. */
  @IsOptional()
  @IsSiteDetail('notes')
  notes?: string;
}

/** `GET /receivers?q=&region=&tag=`: the sites matching every part given (see `siteMatches`). */
export class SiteListQueryDto implements SiteFilter {
  @ApiPropertyOptional({ description: 'Text found in the name, display name, address, phone, region, tags or notes' })
  @IsOptional()
  @IsString({ message: 'q must be a string' })
  @MaxLength(200, { message: 'q must be at most 200 characters long' })
  q?: string;

  @ApiPropertyOptional({ description: 'Exactly this region (ignoring case)' })
  @IsOptional()
  @IsString({ message: 'region must be a string' })
  @MaxLength(64, { message: 'region must be at most 64 characters long' })
  region?: string;

  @ApiPropertyOptional({ description: 'Sites carrying this tag (ignoring case)' })
  @IsOptional()
  @IsString({ message: 'tag must be a string' })
  @MaxLength(32, { message: 'tag must be at most 32 characters long' })
  tag?: string;
}

export class CreateReceiverDto extends SiteDetailsDto implements CreateReceiverRequest {
  /** Site name, e.g. `farmacia-centro`; stored trimmed and in lower case. */
  @IsNormalizedName('name')
  name!: string;

  @IsOptional()
  @IsDisplayName()
  displayName?: string;
}

export class UpdateReceiverDto extends SiteDetailsDto implements UpdateReceiverRequest {
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
    postalAddress: entity.postalAddress,
    phone: entity.phone,
    region: entity.region,
    tags: entity.tags ?? [],
    notes: entity.notes,
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
