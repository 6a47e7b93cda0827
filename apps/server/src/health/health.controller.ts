import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { RedisConnection } from '../cluster/redis-connection';
import { Public } from '../common/access/access.decorator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  /** Up when the database answers, and with several instances Redis too (a load balancer should skip it otherwise). */
  @Get()
  @Public()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.database.pingCheck('database')];
    if (this.redis.client) checks.push(() => this.pingRedis(this.redis.client!));
    return this.health.check(checks);
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
