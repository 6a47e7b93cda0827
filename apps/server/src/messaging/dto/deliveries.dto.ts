import {
  DELIVERIES_PAGE_SIZE_MAX,
  DELIVERY_SORTS,
  DELIVERY_STATES,
  SORT_ORDERS,
  type DeliveriesQuery,
  type DeliverySort,
  type DeliveryState,
  type SiteDeliveryResponse,
  type SortOrder,
} from '@avisa/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { toIso } from '../../database/columns';
import type { SiteDelivery } from '../messages.repository';
import { toDeliveryResponse } from './message.dto';

/** `state=read,sent` or `state=read&state=sent`: a list either way. */
const stateList = Transform(({ value }: { value: unknown }) => {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  return parts.map((p) => (typeof p === 'string' ? p.trim().toLowerCase() : p)).filter((p) => p !== '');
});

/** The filters of one alert's per-site copies (paged list and CSV export). */
export class DeliveriesFilterDto implements Omit<DeliveriesQuery, 'state' | 'page' | 'pageSize'> {
  @IsOptional()
  @stateList
  @IsIn(DELIVERY_STATES, { each: true, message: `state must be any of: ${DELIVERY_STATES.join(', ')}` })
  @ApiProperty({
    required: false,
    type: String,
    description: `Comma-separated, any of: ${DELIVERY_STATES.join(', ')}`,
    example: 'queued,sent,delivered',
  })
  state?: DeliveryState[];

  /** Part of the site's name or display name, case-insensitive. */
  @IsOptional()
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q?: string;

  @IsOptional()
  @IsIn(DELIVERY_SORTS, { message: `sort must be one of: ${DELIVERY_SORTS.join(', ')}` })
  sort?: DeliverySort;

  @IsOptional()
  @IsIn(SORT_ORDERS, { message: `order must be one of: ${SORT_ORDERS.join(', ')}` })
  order?: SortOrder;
}

export class DeliveriesQueryDto extends DeliveriesFilterDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `pageSize must be a whole number from 1 to ${DELIVERIES_PAGE_SIZE_MAX}` })
  @Min(1, { message: `pageSize must be a whole number from 1 to ${DELIVERIES_PAGE_SIZE_MAX}` })
  @Max(DELIVERIES_PAGE_SIZE_MAX, { message: `pageSize must be a whole number from 1 to ${DELIVERIES_PAGE_SIZE_MAX}` })
  pageSize?: number;
}

export function toSiteDeliveryResponse({ delivery, displayName }: SiteDelivery): SiteDeliveryResponse {
  return { ...toDeliveryResponse(delivery), displayName };
}

/** One CSV row per site, in DELIVERIES_CSV_COLUMNS order (cells not yet neutralized). */
export function toDeliveryCsvRow({ delivery: d, displayName }: SiteDelivery): string[] {
  return [
    d.receiverName,
    displayName ?? '',
    d.state,
    toIso(d.sentAt) ?? '',
    toIso(d.deliveredAt) ?? '',
    toIso(d.readAt) ?? '',
    toIso(d.endedAt) ?? '',
    String(d.attempts),
    String(d.reminders),
    d.flagged ? 'true' : 'false',
    d.reply ?? '',
    toIso(d.repliedAt) ?? '',
  ];
}
