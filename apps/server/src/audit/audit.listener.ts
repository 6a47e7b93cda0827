import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventBus } from '../common/events/event-bus';
import { AUDITED_EVENTS } from '../common/events/event-map';
import { AuditService } from './audit.service';

/** Writes one audit event for each auditable domain event. */
@Injectable()
export class AuditListener implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    for (const action of AUDITED_EVENTS) {
      this.events.on(action, (event) =>
        this.audit.record({ action, actor: event.actor, target: event.target, details: event.details }),
      );
    }
  }
}
