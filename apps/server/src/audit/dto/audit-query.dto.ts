import type { AuditLastReadRequest, AuditQuery } from '@avisa/contracts';
import { OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { SearchQueryDto } from '../../common/http/search-query.dto';

/** `q` is searched in action, actor, target, details and address. */
export class AuditQueryDto extends SearchQueryDto implements AuditQuery {
  /** Username (or `token:<name>`) of the actor. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  user?: string;
}

/** The list's filters without paging: an export holds every matching row (up to its cap). */
export class AuditExportQueryDto extends OmitType(AuditQueryDto, ['page', 'pageSize'] as const) {}

export class AuditLastReadDto implements AuditLastReadRequest {
  /** Id of the newest audit event the admin has read. */
  @IsInt()
  @Min(0)
  lastReadId!: number;
}
