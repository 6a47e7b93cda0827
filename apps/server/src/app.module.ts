import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { EventsModule } from './common/events/events.module';
import { HttpExceptionFilter } from './common/http/http-exception.filter';
import { createValidationPipe } from './common/http/validation';
import { SystemModule } from './common/system/system.module';
import { AppConfigModule } from './config/config.module';
import type { AppEnvironment } from './config/environment';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { UsersModule } from './users/users.module';
import { ClusterModule } from './cluster/cluster.module';
import { ClientGatewayModule } from './client-gateway/client-gateway.module';
import { FanOutModule } from './fanout/fanout.module';
import { FilesModule } from './files/files.module';
import { GroupsModule } from './groups/groups.module';
import { MessagingModule } from './messaging/messaging.module';
import { OperatorsGatewayModule } from './operators-gateway/operators-gateway.module';
import { PhrasesModule } from './phrases/phrases.module';
import { ReceiverPackagesModule } from './receiver-packages/receiver-packages.module';
import { ReceiversModule } from './receivers/receivers.module';
import { RoomsModule } from './rooms/rooms.module';

@Module({})
export class AppModule {
  static forRoot(environment: AppEnvironment): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(environment),
        SystemModule,
        EventsModule,
        DatabaseModule,
        ClusterModule,
        AuditModule,
        UsersModule,
        AuthModule,
        HealthModule,
        FanOutModule,
        ReceiversModule,
        GroupsModule,
        MessagingModule,
        ClientGatewayModule,
        OperatorsGatewayModule,
        PhrasesModule,
        ReceiverPackagesModule,
        RoomsModule,
        FilesModule,
        DashboardModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
