import { Global, Module } from '@nestjs/common';
import { RedisConnection } from '../cluster/redis-connection';
import { AppConfigService } from '../config/app-config.service';
import { InProcessReceiverHub } from './in-process-receiver-hub';
import { ReceiverHub } from './receiver-hub';
import { RedisReceiverHub } from './redis-receiver-hub';

@Global()
@Module({
  providers: [
    {
      provide: ReceiverHub,
      inject: [AppConfigService, RedisConnection],
      useFactory: (config: AppConfigService, redis: RedisConnection) =>
        redis.client ? new RedisReceiverHub(redis, config) : new InProcessReceiverHub(),
    },
  ],
  exports: [ReceiverHub],
})
export class FanOutModule {}
