import type { AuditEventResponse } from '@avisa/contracts';
import { AuditEventEntity } from '../audit-event.entity';

export function toAuditEventResponse(entity: AuditEventEntity): AuditEventResponse {
  return {
    id: entity.id,
    at: new Date(entity.at).toISOString(),
    actorKind: entity.actorKind,
    actor: entity.actorName,
    action: entity.action,
    target: entity.target,
    ip: entity.ip,
    details: JSON.parse(entity.details) as Record<string, unknown>,
  };
}
