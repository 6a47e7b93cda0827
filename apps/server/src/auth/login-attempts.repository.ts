import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, MoreThan, MoreThanOrEqual, Repository } from 'typeorm';
import { LoginFailureEntity, LoginLockEntity } from './login-failure.entity';

export const ANY_ADDRESS = '*';

@Injectable()
export class LoginAttemptsRepository {
  constructor(
    @InjectRepository(LoginFailureEntity) private readonly failures: Repository<LoginFailureEntity>,
    @InjectRepository(LoginLockEntity) private readonly locks: Repository<LoginLockEntity>,
  ) {}

  /** The lock that ends last among those on this pair and on the whole account. */
  async activeLock(username: string, ip: string, now: number): Promise<LoginLockEntity | null> {
    return this.locks.findOne({
      where: { username, ip: In([ip, ANY_ADDRESS]), lockedUntil: MoreThan(now) },
      order: { lockedUntil: 'DESC' },
    });
  }

  async recordFailure(username: string, ip: string, at: number): Promise<void> {
    await this.failures.insert({ username, ip, createdAt: at });
  }

  countFailures(username: string, ip: string | null, since: number): Promise<number> {
    return this.failures.countBy({ username, ...(ip ? { ip } : {}), createdAt: MoreThanOrEqual(since) });
  }

  async lock(username: string, ip: string, until: number): Promise<void> {
    await this.locks.insert({ username, ip, lockedUntil: until });
    await this.failures.delete(ip === ANY_ADDRESS ? { username } : { username, ip });
  }

  async clearFailures(username: string, ip: string): Promise<void> {
    await this.failures.delete({ username, ip });
  }

  async prune(now: number, olderThan: number): Promise<void> {
    await this.failures.delete({ createdAt: LessThan(olderThan) });
    await this.locks.delete({ lockedUntil: LessThan(now) });
  }
}
