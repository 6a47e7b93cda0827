import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { containsPattern } from '../database/batches';
import { AuditEventEntity, AuditReadMarkerEntity } from './audit-event.entity';

export interface AuditFilter {
  from?: number;
  to?: number;
  user?: string;
  text?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @InjectRepository(AuditReadMarkerEntity) private readonly markers: Repository<AuditReadMarkerEntity>,
  ) {}

  insert(event: Omit<AuditEventEntity, 'id'>): Promise<AuditEventEntity> {
    return this.events.save(this.events.create(event));
  }

  async search(filter: AuditFilter): Promise<{ items: AuditEventEntity[]; total: number }> {
    const query = this.events.createQueryBuilder('e');
    if (filter.from !== undefined) query.andWhere('e.at >= :from', { from: filter.from });
    if (filter.to !== undefined) query.andWhere('e.at <= :to', { to: filter.to });
    if (filter.user) query.andWhere('e.actor_name = :user', { user: filter.user });
    if (filter.text) {
      const pattern = containsPattern(filter.text);
      query.andWhere(
        new Brackets((w) => {
          for (const column of ['e.action', 'e.actor_name', 'e.target', 'e.details', 'e.ip']) {
            w.orWhere(`LOWER(${column}) LIKE :pattern ESCAPE '\\'`, { pattern });
          }
        }),
      );
    }
    const [items, total] = await query.orderBy('e.id', 'DESC').skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }

  findMarker(userId: number): Promise<AuditReadMarkerEntity | null> {
    return this.markers.findOneBy({ userId });
  }

  async saveMarker(marker: AuditReadMarkerEntity): Promise<void> {
    await this.markers.save(marker);
  }

  async maxId(): Promise<number> {
    const row = await this.events
      .createQueryBuilder('e')
      .select('MAX(e.id)', 'max')
      .getRawOne<{ max: number | null }>();
    return Number(row?.max ?? 0);
  }
}
