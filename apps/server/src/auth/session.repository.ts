import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, Repository } from 'typeorm';
import { SessionEntity } from './session.entity';

@Injectable()
export class SessionRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  async create(session: SessionEntity): Promise<void> {
    await this.sessions.insert(session);
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
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
