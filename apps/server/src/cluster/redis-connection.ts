import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { AppConfigService } from '../config/app-config.service';

/**
 * The Redis connection of multi-instance mode (AVISA_REDIS_URL); `client` is null on a single server.
 * Every key this instance writes starts with AVISA_REDIS_PREFIX, so several deployments can share one Redis.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis | null;
  readonly prefix: string;
  /**
   * This instance among the others: its host and port, so a restarted instance recognises what its previous run
   * left in Redis and takes it back at once instead of waiting for that run's heartbeat to expire.
   */
  readonly instanceId: string;
  private readonly url: string;

  constructor(config: AppConfigService) {
    this.url = config.get('AVISA_REDIS_URL');
    this.prefix = config.get('AVISA_REDIS_PREFIX');
    this.instanceId = `${hostname()}:${config.get('AVISA_PORT')}`;
    this.client = this.url ? this.connect('commands') : null;
  }

  /** A further connection, for the Socket.IO adapter's subscriptions (a subscribed connection runs no commands). */
  connect(purpose: string): Redis {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 3,
      connectionName: `avisa-${purpose}`,
    });
    client.on('error', (error: Error) => this.logger.warn(`${purpose}: ${error.message}`));
    return client;
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async onModuleInit(): Promise<void> {
    if (!this.client) return;
    await this.client.connect();
    const where = new URL(this.url);
    if (where.password) where.password = '***';
    this.logger.log(`multi-instance mode: ${where.toString()} (prefix "${this.prefix}", instance ${this.instanceId})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.quit().catch(() => undefined);
  }
}
