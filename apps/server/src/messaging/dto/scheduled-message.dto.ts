import { sendAtProblem, type ScheduledMessageResponse, type UpdateScheduledMessageRequest } from '@avisa/contracts';
import { OmitType, PartialType } from '@nestjs/swagger';
import { FieldValidationException } from '../../common/http/validation';
import { toIso } from '../../database/columns';
import { ScheduledMessageEntity } from '../scheduled-message.entity';
import { attachmentsOf, repliesOf, SendMessageDto } from './message.dto';

/** Any of a send's fields but its attachments; what is not given stays as it is. */
export class UpdateScheduledMessageDto
  extends PartialType(OmitType(SendMessageDto, ['attachments'] as const))
  implements UpdateScheduledMessageRequest {}

/** `sendAt` as epoch milliseconds; a 400 naming it when it is in the past or too far ahead. */
export function sendAtOf(sendAt: string, now: number): number {
  const problem = sendAtProblem(sendAt, now);
  if (problem) throw new FieldValidationException({ sendAt: [problem] });
  return Date.parse(sendAt);
}

export function toScheduledMessageResponse(entity: ScheduledMessageEntity): ScheduledMessageResponse {
  return {
    id: entity.id,
    state: entity.state,
    problem: entity.problem,
    sender: entity.senderName,
    senderDisplay: entity.senderDisplay,
    target: { kind: entity.targetKind, name: entity.targetName },
    text: entity.text,
    priority: entity.priority,
    ttlSeconds: entity.ttlSeconds,
    replies: repliesOf(entity),
    attachments: attachmentsOf(entity),
    sendAt: toIso(entity.sendAt)!,
    createdAt: toIso(entity.createdAt)!,
    updatedAt: toIso(entity.updatedAt)!,
  };
}
