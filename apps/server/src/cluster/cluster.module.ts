import { Global, Module } from '@nestjs/common';
import { AttemptWindows } from './attempt-windows';
import { JobLease, LocalJobLease, RedisJobLease } from './job-lease';
import { JobRunner } from './job-runner';
import { RedisConnection } from './redis-connection';

/** What differs between one server and several instances: the Redis link, background-job leases, shared limits. */
@Global()
@Module({
  providers: [
    RedisConnection,
    AttemptWindows,
    {
      provide: JobLease,
      inject: [RedisConnection],
      useFactory: (redis: RedisConnection) => (redis.client ? new RedisJobLease(redis) : new LocalJobLease()),
    },
    JobRunner,
  ],
  exports: [RedisConnection, AttemptWindows, JobLease, JobRunner],
})
export class ClusterModule {}
