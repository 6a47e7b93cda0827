import { HttpException, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { apiError } from '../common/http/api-error';
import type { ScheduledMessageResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { JobRunner } from '../cluster/job-runner';
import { toIso } from '../database/columns';
import { GroupAccessService } from '../groups/group-access.service';
import { sendAtOf, toScheduledMessageResponse, UpdateScheduledMessageDto } from './dto/scheduled-message.dto';
import { MessagingService, targetLabel, targetNameOf } from './messaging.service';
import { ScheduledMessageEntity } from './scheduled-message.entity';
import { ScheduledChanges, ScheduledMessagesRepository } from './scheduled-messages.repository';

/** How often due alerts are looked for: an alert goes out within this long after its time. */
export const SEND_SCHEDULED_EVERY_MS = 1000;

/**
 * Alerts sent later: listed, edited and cancelled until their time, then sent by the `send-scheduled` job as any
 * other alert. A restricted operator sees and changes only its own.
 */
@Injectable()
export class ScheduledMessagesService implements OnApplicationBootstrap {
  constructor(
    private readonly scheduled: ScheduledMessagesRepository,
    private readonly messaging: MessagingService,
    private readonly access: GroupAccessService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every('send-scheduled', SEND_SCHEDULED_EVERY_MS, () => this.sendDue());
  }

  async list(principal: Principal, actor: Actor): Promise<ScheduledMessageResponse[]> {
    const own = (await this.access.scopeOf(principal)).restricted ? actor.name : undefined;
    return (await this.scheduled.waiting(own)).map(toScheduledMessageResponse);
  }

  async update(
    id: string,
    dto: UpdateScheduledMessageDto,
    principal: Principal,
    actor: Actor,
  ): Promise<ScheduledMessageResponse> {
    const current = await this.requireListed(id, principal, actor);
    if (current.state === 'failed') throw apiError('scheduled.failed', { id, problem: current.problem ?? '' });
    const changes: ScheduledChanges = {};
    if (dto.sendAt !== undefined) changes.sendAt = sendAtOf(dto.sendAt, this.clock.now());
    if (dto.ttlSeconds !== undefined) changes.ttlSeconds = this.messaging.ttlOf(dto.ttlSeconds);
    if (dto.text !== undefined) changes.text = dto.text;
    if (dto.priority !== undefined) changes.priority = dto.priority;
    if (dto.replies !== undefined) changes.replies = dto.replies.length ? JSON.stringify(dto.replies) : null;
    if (dto.target !== undefined) {
      await this.access.assertMaySend(principal, actor, dto.target.kind, dto.target.name);
      await this.messaging.checkTarget(dto.target);
      changes.targetKind = dto.target.kind;
      changes.targetName = dto.target.kind === 'all' ? null : targetNameOf(dto.target.kind, dto.target.name ?? '');
    }
    const fields = Object.keys(changes);
    if (fields.length) {
      changes.updatedAt = this.clock.now();
      if (!(await this.scheduled.update(id, changes))) throw noLongerWaiting(id);
      await this.events.emit('message.schedule_edited', {
        actor,
        target: id,
        details: { id, changed: fields, ...(changes.sendAt ? { sendAt: toIso(changes.sendAt) } : {}) },
      });
    }
    return toScheduledMessageResponse({ ...current, ...changes });
  }

  /** Cancels one still waiting, or dismisses one that could not be sent. */
  async cancel(id: string, principal: Principal, actor: Actor): Promise<void> {
    const current = await this.requireListed(id, principal, actor);
    if (!(await this.scheduled.cancel(id, actor.name, this.clock.now()))) throw noLongerWaiting(id);
    await this.events.emit('message.schedule_cancelled', {
      actor,
      target: id,
      details: { id, sendAt: toIso(current.sendAt), ...(current.state === 'failed' ? { failed: true } : {}) },
    });
  }

  /**
   * One round of the job: each due alert is claimed, then sent under its own id. A server stopped in between finds
   * it claimed and sends it unless the alert already exists, so it goes out once. A refusal (its site deleted, its
   * group emptied) ends it as failed; any other error leaves it for the next round.
   */
  async sendDue(): Promise<void> {
    const due = await this.scheduled.due(this.clock.now(), 50);
    for (const alert of due) {
      if (!(await this.scheduled.claim(alert.id, this.clock.now()))) continue;
      try {
        await this.messaging.sendScheduled(alert);
        await this.scheduled.finish(alert.id, this.clock.now());
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        await this.scheduled.finish(alert.id, this.clock.now(), error.message);
        await this.events.emit('message.schedule_failed', {
          actor: senderOf(alert),
          target: targetLabel({ kind: alert.targetKind, name: alert.targetName ?? undefined }),
          details: { id: alert.id, problem: error.message },
        });
      }
    }
  }

  /** One the caller may see in its list: waiting, or failed; 409 once sent or cancelled. */
  private async requireListed(id: string, principal: Principal, actor: Actor): Promise<ScheduledMessageEntity> {
    const found = await this.scheduled.find(id);
    const restricted = (await this.access.scopeOf(principal)).restricted;
    if (!found || (restricted && found.senderName !== actor.name)) {
      throw apiError('scheduled.not_found', { id });
    }
    if (found.state !== 'scheduled' && found.state !== 'failed') throw noLongerWaiting(id);
    return found;
  }
}

const noLongerWaiting = (id: string) => apiError('scheduled.not_pending', { id });

const senderOf = (alert: ScheduledMessageEntity): Actor => ({
  kind: alert.senderKind,
  id: alert.senderId,
  name: alert.senderName,
  ip: null,
});
