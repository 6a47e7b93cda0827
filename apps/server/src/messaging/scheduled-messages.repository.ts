import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { ScheduledMessageEntity } from './scheduled-message.entity';

/** What an edit may change. */
export type ScheduledChanges = Partial<
  Pick<
    ScheduledMessageEntity,
    'targetKind' | 'targetName' | 'text' | 'priority' | 'ttlSeconds' | 'replies' | 'sendAt' | 'updatedAt'
  >
>;

@Injectable()
export class ScheduledMessagesRepository {
  constructor(
    @InjectRepository(ScheduledMessageEntity) private readonly scheduled: Repository<ScheduledMessageEntity>,
  ) {}

  async insert(entity: ScheduledMessageEntity): Promise<void> {
    await this.scheduled.insert(entity);
  }

  find(id: string): Promise<ScheduledMessageEntity | null> {
    return this.scheduled.findOneBy({ id });
  }

  /** Those still waiting and those that could not be sent, soonest first; only `senderName`'s when given. */
  waiting(senderName?: string): Promise<ScheduledMessageEntity[]> {
    return this.scheduled.find({
      where: { state: In(['scheduled', 'failed']), ...(senderName !== undefined ? { senderName } : {}) },
      order: { sendAt: 'ASC', id: 'ASC' },
    });
  }

  /** Changes one that is still waiting; false when it is no longer (sent, being sent or cancelled meanwhile). */
  async update(id: string, changes: ScheduledChanges): Promise<boolean> {
    const result = await this.scheduled.update({ id, state: 'scheduled' }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** Cancels one still waiting, or dismisses one that failed. */
  async cancel(id: string, by: string, at: number): Promise<boolean> {
    const result = await this.scheduled.update(
      { id, state: In(['scheduled', 'failed']) },
      { state: 'cancelled', endedBy: by, updatedAt: at },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Due now, including those a stopped server had started to send. */
  due(now: number, limit: number): Promise<ScheduledMessageEntity[]> {
    return this.scheduled.find({
      where: { state: In(['scheduled', 'sending']), sendAt: LessThanOrEqual(now) },
      order: { sendAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /** Takes a due one for sending: from here on it can no longer be edited or cancelled. */
  async claim(id: string, at: number): Promise<boolean> {
    const result = await this.scheduled.update(
      { id, state: In(['scheduled', 'sending']) },
      { state: 'sending', updatedAt: at },
    );
    return (result.affected ?? 0) > 0;
  }

  async finish(id: string, at: number, problem: string | null = null): Promise<void> {
    await this.scheduled.update(
      { id },
      { state: problem ? 'failed' : 'sent', updatedAt: at, problem: problem?.slice(0, 500) ?? null },
    );
  }
}
