import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, LessThan, Not, Repository } from 'typeorm';
import { EntityStatements } from '../database/entity-statements';
import { SessionEntity } from './session.entity';

@Injectable()
export class SessionRepository {
  /** Every authenticated request reads its session: a prepared statement, not a query built each time. */
  private readonly fixed: EntityStatements<SessionEntity>;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    dataSource: DataSource,
  ) {
    this.fixed = new EntityStatements(dataSource, SessionEntity);
  }

  async create(session: SessionEntity): Promise<void> {
    await this.sessions.insert(session);
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.fixed.findOneBy('id', id);
  }

  async touch(id: string, lastSeenAt: number): Promise<void> {
    await this.sessions.update({ id }, { lastSeenAt });
  }

  async delete(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }

  async deleteForUser(userId: number, exceptId: string | null): Promise<number> {
    const result = await this.sessions.delete(exceptId ? { userId, id: Not(exceptId) } : { userId });
    return result.affected ?? 0;
  }

  async deleteExpired(now: number, idleCutoff: number): Promise<void> {
    await this.sessions.delete({ expiresAt: LessThan(now) });
    await this.sessions.delete({ lastSeenAt: LessThan(idleCutoff) });
  }
}
