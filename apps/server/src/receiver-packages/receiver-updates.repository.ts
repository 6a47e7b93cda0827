import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ReceiverRolloutEntity, ReceiverUpdateReportEntity } from './receiver-update.entity';

@Injectable()
export class ReceiverUpdatesRepository {
  constructor(
    @InjectRepository(ReceiverRolloutEntity) private readonly rollouts: Repository<ReceiverRolloutEntity>,
    @InjectRepository(ReceiverUpdateReportEntity) private readonly reports: Repository<ReceiverUpdateReportEntity>,
  ) {}

  currentRollout(): Promise<ReceiverRolloutEntity | null> {
    return this.rollouts.findOne({ where: { cancelledAt: IsNull() }, order: { id: 'DESC' } });
  }

  /** The new rollout replaces any other still in force. */
  async startRollout(rollout: Omit<ReceiverRolloutEntity, 'id' | 'cancelledAt'>): Promise<ReceiverRolloutEntity> {
    return this.rollouts.manager.transaction(async (manager) => {
      await manager.update(ReceiverRolloutEntity, { cancelledAt: IsNull() }, { cancelledAt: rollout.startedAt });
      return manager.save(
        ReceiverRolloutEntity,
        manager.create(ReceiverRolloutEntity, { ...rollout, cancelledAt: null }),
      );
    });
  }

  async cancelRollout(at: number): Promise<number> {
    const result = await this.rollouts.update({ cancelledAt: IsNull() }, { cancelledAt: at });
    return result.affected ?? 0;
  }

  reportsList(): Promise<ReceiverUpdateReportEntity[]> {
    return this.reports.find({ order: { site: 'ASC' } });
  }

  report(site: string): Promise<ReceiverUpdateReportEntity | null> {
    return this.reports.findOneBy({ site });
  }

  async saveReport(report: ReceiverUpdateReportEntity): Promise<void> {
    await this.reports.upsert(report, ['site']);
  }
}
