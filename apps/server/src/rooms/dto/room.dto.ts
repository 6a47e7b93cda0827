import {
  ROOM_ATTACHMENTS_MAX,
  ROOM_DESCRIPTION_MAX,
  ROOM_KINDS,
  ROOM_MESSAGE_MAX,
  ROOM_NAME_MAX,
  ROOM_PAGE_MAX,
  ROOM_PASSWORD_MAX,
  ROOM_PASSWORD_MIN,
  ROOM_RETENTION_DAYS_MAX,
  ROOM_ROLES,
  ROOM_SEARCH_MIN,
  type CreateRoomRequest,
  type EditRoomMessageRequest,
  type JoinRoomRequest,
  type PostRoomMessageRequest,
  type ReadRoomRequest,
  type RoomKind,
  type RoomRole,
  type SetRoomMemberRequest,
  type UpdateRoomRequest,
} from '@avisa/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trimmed at both ends; inside, the text is kept as typed (new lines included). */
class MessageTextDto {
  @IsString()
  @trim
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(ROOM_MESSAGE_MAX, { message: `text must be at most ${ROOM_MESSAGE_MAX} characters` })
  text!: string;
}

export class PostRoomMessageDto extends MessageTextDto implements PostRoomMessageRequest {
  /** Up to 5 shared files (their ids), each clean or released by an admin. */
  @IsOptional()
  @IsArray({ message: 'attachments must be a list of file ids' })
  @ArrayMaxSize(ROOM_ATTACHMENTS_MAX, { message: `attachments must hold at most ${ROOM_ATTACHMENTS_MAX} files` })
  @IsUUID('all', { each: true, message: 'each of attachments must be a file id' })
  attachments?: string[];
}
export class EditRoomMessageDto extends MessageTextDto implements EditRoomMessageRequest {}

export class CreateRoomDto implements CreateRoomRequest {
  @IsString()
  @trim
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(ROOM_NAME_MAX, { message: `name must be at most ${ROOM_NAME_MAX} characters` })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(ROOM_DESCRIPTION_MAX, { message: `description must be at most ${ROOM_DESCRIPTION_MAX} characters` })
  description?: string;

  @IsIn(ROOM_KINDS, { message: `kind must be one of ${ROOM_KINDS.join(', ')}` })
  kind!: RoomKind;

  @IsOptional()
  @IsString()
  @MinLength(ROOM_PASSWORD_MIN, { message: `password must be at least ${ROOM_PASSWORD_MIN} characters long` })
  @MaxLength(ROOM_PASSWORD_MAX, { message: `password must be at most ${ROOM_PASSWORD_MAX} characters long` })
  password?: string;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt({ message: 'retentionDays must be a whole number of days, or null to keep every message' })
  @Min(1, { message: 'retentionDays must be at least 1' })
  @Max(ROOM_RETENTION_DAYS_MAX, { message: `retentionDays must be at most ${ROOM_RETENTION_DAYS_MAX}` })
  retentionDays?: number | null;
}

export class UpdateRoomDto implements UpdateRoomRequest {
  @IsOptional()
  @IsString()
  @trim
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(ROOM_NAME_MAX, { message: `name must be at most ${ROOM_NAME_MAX} characters` })
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(ROOM_DESCRIPTION_MAX, { message: `description must be at most ${ROOM_DESCRIPTION_MAX} characters` })
  description?: string;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt({ message: 'retentionDays must be a whole number of days, or null to keep every message' })
  @Min(1, { message: 'retentionDays must be at least 1' })
  @Max(ROOM_RETENTION_DAYS_MAX, { message: `retentionDays must be at most ${ROOM_RETENTION_DAYS_MAX}` })
  retentionDays?: number | null;

  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MinLength(ROOM_PASSWORD_MIN, { message: `password must be at least ${ROOM_PASSWORD_MIN} characters long` })
  @MaxLength(ROOM_PASSWORD_MAX, { message: `password must be at most ${ROOM_PASSWORD_MAX} characters long` })
  password?: string | null;

  @IsOptional()
  @IsBoolean({ message: 'archived must be true or false' })
  archived?: boolean;
}

export class JoinRoomDto implements JoinRoomRequest {
  @IsString()
  @trim
  @MinLength(1, { message: 'code must not be empty' })
  @MaxLength(64, { message: 'code must be at most 64 characters' })
  code!: string;

  @IsOptional()
  @IsString()
  @MaxLength(ROOM_PASSWORD_MAX, { message: `password must be at most ${ROOM_PASSWORD_MAX} characters long` })
  password?: string;
}

export class SetRoomMemberDto implements SetRoomMemberRequest {
  @IsOptional()
  @IsIn(ROOM_ROLES, { message: `role must be one of ${ROOM_ROLES.join(', ')}` })
  role?: RoomRole;
}

export class ReadRoomDto implements ReadRoomRequest {
  @IsInt({ message: 'seq must be a whole number' })
  @Min(0, { message: 'seq must not be negative' })
  seq!: number;
}

export class ListRoomsQueryDto {
  /** Admins only: every room, not only the caller's and the public ones. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'all must be true or false' })
  all?: 'true' | 'false';
}

export class RoomHistoryQueryDto {
  /** The `nextCursor` of the page before. */
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'before must be a cursor from nextCursor' })
  before?: string;

  /** Oldest first after this seq: what a reconnecting client missed. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'after must be a whole number' })
  @Min(0, { message: 'after must not be negative' })
  after?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(ROOM_PAGE_MAX, { message: `limit must be at most ${ROOM_PAGE_MAX}` })
  limit?: number;
}

export class RoomSearchQueryDto {
  @IsString({ message: 'q is required' })
  @trim
  @MinLength(ROOM_SEARCH_MIN, { message: `q must be at least ${ROOM_SEARCH_MIN} characters` })
  @MaxLength(200, { message: 'q must be at most 200 characters' })
  q!: string;
}

export class CandidatesQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;
}
