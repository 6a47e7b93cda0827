import {
  ATTACHMENTS_MAX,
  MESSAGE_TEXT_MAX,
  PRIORITIES,
  REPLIES_MAX,
  repliesProblem,
  SEND_AT_PATTERN,
  TARGET_KINDS,
  type AlertAttachment,
  type DeliveryCounts,
  type DeliveryResponse,
  type MessageResponse,
  type Priority,
  type TargetKind,
  type SendMessageRequest,
} from '@avisa/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { SearchQueryDto } from '../../common/http/search-query.dto';
import { toIso } from '../../database/columns';
import { DeliveryEntity, MessageEntity } from '../message.entity';

const normalize = Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

export class TargetDto {
  @IsIn(TARGET_KINDS, { message: `target.kind must be one of: ${TARGET_KINDS.join(', ')}` })
  kind!: TargetKind;

  /** Site or group name; required when kind is `receiver` or `group`. */
  @ValidateIf((o: TargetDto) => o.kind === 'receiver' || o.kind === 'group' || o.name !== undefined)
  @normalize
  @IsString({ message: 'target.name is required for a site or group' })
  @MinLength(1, { message: 'target.name is required for a site or group' })
  @MaxLength(128)
  name?: string;
}

const isTextList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

/** The rule the web app's compose form applies too (`repliesProblem` in contracts). */
@ValidatorConstraint({ name: 'replies' })
class RepliesRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isTextList(value) && repliesProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return isTextList(args.value) ? repliesProblem(args.value)! : 'replies must be a list of texts';
  }
}

const SEND_AT_FORMAT = 'sendAt must be an ISO date-time with its zone, such as 2026-12-24T09:00:00Z';

export class SendMessageDto implements SendMessageRequest {
  @IsObject({ message: 'target must be an object such as { "kind": "all" }' })
  @ValidateNested()
  @Type(() => TargetDto)
  target!: TargetDto;

  /** Plain text, 1 to 2000 characters; never rendered as HTML. */
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(1, { message: 'text must not be empty' })
  @MaxLength(MESSAGE_TEXT_MAX, { message: `text must be at most ${MESSAGE_TEXT_MAX} characters` })
  text!: string;

  @IsOptional()
  @IsIn(PRIORITIES, { message: `priority must be one of: ${PRIORITIES.join(', ')}` })
  priority?: Priority;

  /** How long the alert waits for offline sites; 0 = only sites online now. */
  @IsOptional()
  @IsInt({ message: 'ttlSeconds must be a whole number of seconds' })
  @Min(0)
  ttlSeconds?: number;

  /** Up to 3 quick replies the site may answer with, each 1 to 40 characters, no repeats. */
  @IsOptional()
  @Transform(({ value }) => (isTextList(value) ? value.map((v) => v.trim()) : value))
  @Validate(RepliesRule)
  @ApiProperty({ type: [String], maxItems: REPLIES_MAX, required: false, example: ['Recibido', 'Llamadme'] })
  replies?: string[];

  /** Up to 5 shared files (their ids), each clean or released by an admin. */
  @IsOptional()
  @IsArray({ message: 'attachments must be a list of file ids' })
  @ArrayMaxSize(ATTACHMENTS_MAX, { message: `attachments must hold at most ${ATTACHMENTS_MAX} files` })
  @IsUUID('all', { each: true, message: 'each of attachments must be a file id' })
  attachments?: string[];

  /** Send later: an ISO date-time with its zone, in the future, at most SCHEDULE_MAX_DAYS ahead (answered 202). */
  @IsOptional()
  @Matches(SEND_AT_PATTERN, { message: SEND_AT_FORMAT })
  @ApiProperty({ required: false, format: 'date-time', example: '2026-12-24T09:00:00+01:00' })
  sendAt?: string;
}

/** The files an alert carries, as stored. */
export function attachmentsOf(message: Pick<MessageEntity, 'attachments'>): AlertAttachment[] {
  return message.attachments ? (JSON.parse(message.attachments) as AlertAttachment[]) : [];
}

/** The replies an alert offers, as stored. */
export function repliesOf(message: Pick<MessageEntity, 'replies'>): string[] {
  return message.replies ? (JSON.parse(message.replies) as string[]) : [];
}

/** `q` is searched in the alert text. */
export class HistoryQueryDto extends SearchQueryDto {
  /** Username (or `token:<name>`) of the sender. */
  @IsOptional()
  @normalize
  @IsString()
  @MaxLength(128)
  sender?: string;

  @IsOptional()
  @IsIn(TARGET_KINDS)
  targetKind?: TargetKind;

  @IsOptional()
  @normalize
  @IsString()
  @MaxLength(128)
  target?: string;

  @IsOptional()
  @IsIn(PRIORITIES, { message: `priority must be one of: ${PRIORITIES.join(', ')}` })
  priority?: Priority;
}

export function toMessageResponse(entity: MessageEntity, counts: DeliveryCounts, replied: number): MessageResponse {
  return {
    id: entity.id,
    sender: entity.senderName,
    senderDisplay: entity.senderDisplay,
    target: { kind: entity.targetKind, name: entity.targetName },
    text: entity.text,
    priority: entity.priority,
    ttlSeconds: entity.ttlSeconds,
    createdAt: toIso(entity.createdAt)!,
    expiresAt: toIso(entity.expiresAt)!,
    retractedAt: toIso(entity.retractedAt),
    retractedBy: entity.retractedBy,
    counts,
    replies: repliesOf(entity),
    replied,
    attachments: attachmentsOf(entity),
  };
}

export function toDeliveryResponse(entity: DeliveryEntity): DeliveryResponse {
  return {
    receiver: entity.receiverName,
    state: entity.state,
    createdAt: toIso(entity.createdAt)!,
    sentAt: toIso(entity.sentAt),
    deliveredAt: toIso(entity.deliveredAt),
    readAt: toIso(entity.readAt),
    endedAt: toIso(entity.endedAt),
    attempts: entity.attempts,
    reminders: entity.reminders,
    flagged: entity.flagged,
    reply: entity.reply,
    repliedAt: toIso(entity.repliedAt),
    attachmentsDownloadedAt: toIso(entity.attachmentsDownloadedAt),
  };
}
