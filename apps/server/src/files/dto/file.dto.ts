import { FILE_RELEASE_REASON_MAX, type ReleaseFileRequest } from '@avisa/contracts';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ReleaseFileDto implements ReleaseFileRequest {
  /** Why it is safe to share without a clean scan; kept in the audit trail. */
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(FILE_RELEASE_REASON_MAX, { message: `reason must be at most ${FILE_RELEASE_REASON_MAX} characters` })
  reason!: string;
}
