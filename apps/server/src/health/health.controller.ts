import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { RedisConnection } from '../cluster/redis-connection';
import { Public } from '../common/access/access.decorator';
import { DatabaseHealth } from '../database/database-faults';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
    private readonly dataSource: DataSource,
    private readonly databaseHealth: DatabaseHealth,
  ) {}

  /**
   * Up when the database answers and takes writes, and with several instances Redis too (a load balancer should
   * skip it otherwise).
   */
  @Get()
  @Public()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.checkDatabase()];
    if (this.redis.client) checks.push(() => this.pingRedis(this.redis.client!));
    return this.health.check(checks);
  }

  /** Down while writes fail (full, busy, I/O errors); an old failure is checked again with a write of its own. */
  private async checkDatabase() {
    const indicator = this.indicators.check('database');
    try {
      if (this.databaseHealth.stale()) await this.probeWrite();
      const fault = this.databaseHealth.current();
      if (fault) return indicator.down({ message: fault.message, reason: fault.kind });
      await this.dataSource.query('SELECT 1');
      return indicator.up();
    } catch (error) {
      this.databaseHealth.failed(error);
      return indicator.down({ message: this.databaseHealth.current()?.message ?? 'the database does not answer' });
    }
  }

  private async probeWrite(): Promise<void> {
    if (this.dataSource.options.type === 'better-sqlite3') {
      const [limit] = (await this.dataSource.query('PRAGMA max_page_count')) as { max_page_count: number }[];
      const [pages] = (await this.dataSource.query('PRAGMA page_count')) as { page_count: number }[];
      const [free] = (await this.dataSource.query('PRAGMA freelist_count')) as { freelist_count: number }[];
      // At its size limit with no free page, the next insert fails although this probe's small write would not.
      if (pages.page_count >= limit.max_page_count && free.freelist_count === 0) return;
      const [version] = (await this.dataSource.query('PRAGMA user_version')) as { user_version: number }[];
      await this.dataSource.query(`PRAGMA user_version = ${Number(version.user_version)}`);
    } else {
      await this.dataSource.query('SELECT 1');
    }
    this.databaseHealth.succeeded();
  }

  private async pingRedis(client: NonNullable<RedisConnection['client']>) {
    const indicator = this.indicators.check('redis');
    try {
      await client.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
