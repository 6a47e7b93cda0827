import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
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
  /** This process among the instances: a restarted instance is a new one, its predecessor's presence expires. */
  readonly instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly url: string;

  constructor(config: AppConfigService) {
    this.url = config.get('AVISA_REDIS_URL');
    this.prefix = config.get('AVISA_REDIS_PREFIX');
    this.client = this.url ? this.connect('commands') : null;
  }

  /** A further connection, for the Socket.IO adapter's subscriptions (a subscribed connection runs no commands). */
  connect(purpose: string): Redis {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: `avisa-${purpose}` });
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
