import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AccessDeclarationsCheck } from '../common/access/access-declarations.check';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RedisConnection } from '../cluster/redis-connection';
import { RedisThrottlerStorage } from '../cluster/redis-throttler-storage';
import { AppConfigService } from '../config/app-config.service';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginFailureEntity, LoginLockEntity } from './login-failure.entity';
import { SessionEntity } from './session.entity';
import { SessionRepository } from './session.repository';

@Module({
  imports: [
    UsersModule,
    PassportModule,
    DiscoveryModule,
    TypeOrmModule.forFeature([SessionEntity, LoginFailureEntity, LoginLockEntity, ApiTokenEntity]),
    ThrottlerModule.forRootAsync({
      inject: [AppConfigService, RedisConnection],
      useFactory: (config: AppConfigService, redis: RedisConnection) => ({
        storage: redis.client ? new RedisThrottlerStorage(redis) : undefined,
        throttlers: [
          {
            name: 'login',
            ttl: config.get('AVISA_LOGIN_IP_WINDOW_SECONDS') * 1000,
            limit: config.get('AVISA_LOGIN_IP_LIMIT'),
          },
        ],
        errorMessage: 'too many login attempts from this address; wait a minute and try again',
      }),
    }),
  ],
  controllers: [AuthController, ApiTokensController],
  providers: [
    AuthService,
    ApiTokensService,
    SessionRepository,
    LoginAttemptsRepository,
    ApiTokensRepository,
    LocalStrategy,
    AccessDeclarationsCheck,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, ApiTokensService],
})
export class AuthModule {}
