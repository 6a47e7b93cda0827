import { Transform, Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  /** Start of the range (ISO 8601 date or date-time), inclusive. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date such as 2026-11-22 or 2026-11-22T08:00:00Z' })
  from?: string;

  /** End of the range (ISO 8601); a bare date includes the whole day. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date such as 2026-11-22 or 2026-11-22T18:00:00Z' })
  to?: string;

  /** Username (or `token:<name>`) of the actor. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  user?: string;

  /** Free text searched in action, actor, target, details and address. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}

export class AuditLastReadDto {
  /** Id of the newest audit event the admin has read. */
  @IsInt()
  @Min(0)
  lastReadId!: number;
}
