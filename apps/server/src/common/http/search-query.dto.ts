import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Date range, free text and paging shared by the searchable lists (audit, alert history). */
export class SearchQueryDto {
  /** Start of the range (ISO 8601 date or date-time), inclusive; a bare date starts at that day's midnight. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date such as 2026-11-22 or 2026-11-22T08:00:00Z' })
  from?: string;

  /** End of the range (ISO 8601), inclusive; a bare date includes the whole day. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date such as 2026-11-22 or 2026-11-22T18:00:00Z' })
  to?: string;

  /** Free text, matched case-insensitively. */
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
