import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { FilesModule } from '../files/files.module';
import { GroupsModule } from '../groups/groups.module';
import { ReceiversModule } from '../receivers/receivers.module';
import { DeliveriesService } from './deliveries.service';
import { AlertTemplates } from './alert-templates';
import { DeliveryAnnouncer } from './delivery-announcer';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryEntity, MessageEntity } from './message.entity';
import { MessagesRepository } from './messages.repository';
import { MessagingController } from './messaging.controller';
import { MessagingService } from './messaging.service';
import { ReceiptsService } from './receipts.service';
import { ScheduledMessageEntity } from './scheduled-message.entity';
import { ScheduledMessagesController } from './scheduled-messages.controller';
import { ScheduledMessagesRepository } from './scheduled-messages.repository';
import { ScheduledMessagesService } from './scheduled-messages.service';
import { SendLimit } from './send-limit';
import { SiteAttachmentsController } from './site-attachments.controller';
import { SiteAttachmentsService } from './site-attachments.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([MessageEntity, DeliveryEntity, ScheduledMessageEntity]),
    ReceiversModule,
    GroupsModule,
    FilesModule,
    AuditModule,
  ],
  // Scheduled first: its fixed `messages/scheduled` path must win over `messages/:id`.
  controllers: [ScheduledMessagesController, MessagingController, SiteAttachmentsController],
  providers: [
    MessagesRepository,
    MessagingService,
    DeliveriesService,
    ReceiptsService,
    DeliveryScheduler,
    DeliveryAnnouncer,
    SendLimit,
    SiteAttachmentsService,
    AlertTemplates,
    ScheduledMessagesRepository,
    ScheduledMessagesService,
  ],
  exports: [MessagingService, ReceiptsService],
})
export class MessagingModule {}
