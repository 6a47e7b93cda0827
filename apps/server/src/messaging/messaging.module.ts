import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FilesModule } from '../files/files.module';
import { GroupsModule } from '../groups/groups.module';
import { ReceiversModule } from '../receivers/receivers.module';
import { DeliveriesService } from './deliveries.service';
import { DeliveryAnnouncer } from './delivery-announcer';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryEntity, MessageEntity } from './message.entity';
import { MessagesRepository } from './messages.repository';
import { MessagingController } from './messaging.controller';
import { MessagingService } from './messaging.service';
import { ReceiptsService } from './receipts.service';
import { SendLimit } from './send-limit';
import { SiteAttachmentsController } from './site-attachments.controller';
import { SiteAttachmentsService } from './site-attachments.service';

@Module({
  imports: [TypeOrmModule.forFeature([MessageEntity, DeliveryEntity]), ReceiversModule, GroupsModule, FilesModule],
  controllers: [MessagingController, SiteAttachmentsController],
  providers: [
    MessagesRepository,
    MessagingService,
    DeliveriesService,
    ReceiptsService,
    DeliveryScheduler,
    DeliveryAnnouncer,
    SendLimit,
    SiteAttachmentsService,
  ],
  exports: [MessagingService, ReceiptsService],
})
export class MessagingModule {}
