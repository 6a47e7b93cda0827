import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { containsPattern } from '../database/batches';
import { EntityStatements } from '../database/entity-statements';
import { CommitGroup, WriteBatcher } from '../database/write-batcher';
import { AuditEventEntity, AuditReadMarkerEntity } from './audit-event.entity';

/** Which events: epoch-millisecond bounds (inclusive), exact actor name, free text. */
export interface AuditCriteria {
  from?: number;
  to?: number;
  user?: string;
  text?: string;
}

export interface AuditFilter extends AuditCriteria {
  offset: number;
  limit: number;
}

@Injectable()
export class AuditRepository {
  /** Every action writes a row. */
  private readonly fixed: EntityStatements<AuditEventEntity>;

  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    @InjectRepository(AuditReadMarkerEntity) private readonly markers: Repository<AuditReadMarkerEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.fixed = new EntityStatements(dataSource, AuditEventEntity);
    this.pending = WriteBatcher.joining(
      CommitGroup.for(dataSource),
      (rows, manager) => this.fixed.insertMany(rows, manager),
      { delayMs: 2, maxItems: 400 },
    );
  }

  /**
   * Actions that happen together (a login storm, a bulk import) share one commit, with whatever else of the
   * database's CommitGroup waits (the alerts being accepted meanwhile).
   */
  private readonly pending: WriteBatcher<Omit<AuditEventEntity, 'id'>>;

  /** Stores one event with the others arriving meanwhile; resolves once committed. */
  async add(event: Omit<AuditEventEntity, 'id'>): Promise<void> {
    await this.pending.add(event);
  }

  /** Events written in a transaction the caller holds (an action's own rows beside them). */
  async insertIn(manager: EntityManager, events: Omit<AuditEventEntity, 'id'>[]): Promise<void> {
    await this.fixed.insertMany(events, manager);
  }

  /** Several events in one transaction (one commit), in their order. */
  async insertMany(events: Omit<AuditEventEntity, 'id'>[]): Promise<void> {
    await this.dataSource.transaction((manager) => this.fixed.insertMany(events, manager));
  }

  async search(filter: AuditFilter): Promise<{ items: AuditEventEntity[]; total: number }> {
    const [items, total] = await this.matching(filter).skip(filter.offset).take(filter.limit).getManyAndCount();
    return { items, total };
  }

  /** The newest `limit` matching events, newest first (for exports). */
  newest(criteria: AuditCriteria, limit: number): Promise<AuditEventEntity[]> {
    return this.matching(criteria).take(limit).getMany();
  }

  private matching(criteria: AuditCriteria): SelectQueryBuilder<AuditEventEntity> {
    const query = this.events.createQueryBuilder('e');
    if (criteria.from !== undefined) query.andWhere('e.at >= :from', { from: criteria.from });
    if (criteria.to !== undefined) query.andWhere('e.at <= :to', { to: criteria.to });
    if (criteria.user) query.andWhere('e.actor_name = :user', { user: criteria.user });
    if (criteria.text) {
      const pattern = containsPattern(criteria.text);
      query.andWhere(
        new Brackets((w) => {
          for (const column of ['e.action', 'e.actor_name', 'e.target', 'e.details', 'e.ip']) {
            w.orWhere(`LOWER(${column}) LIKE :pattern ESCAPE '\\'`, { pattern });
          }
        }),
      );
    }
    return query.orderBy('e.id', 'DESC');
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
