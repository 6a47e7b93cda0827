import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsLog } from './actions-log';
import { AuditEventEntity, AuditReadMarkerEntity } from './audit-event.entity';
import { AuditController } from './audit.controller';
import { AuditListener } from './audit.listener';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditReadMarkerEntity])],
  controllers: [AuditController],
  providers: [AuditRepository, AuditService, AuditListener, ActionsLog],
  exports: [AuditService],
})
export class AuditModule {}
