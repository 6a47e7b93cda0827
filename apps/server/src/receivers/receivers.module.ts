import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GroupAccessModule } from '../groups/group-access.module';
import { ConnectionJournal } from './connection-journal';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';
import { ReceiversController } from './receivers.controller';
import { ReceiversRepository } from './receivers.repository';
import { ReceiversService } from './receivers.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReceiverEntity, ReceiverConnectionEntity]), GroupAccessModule],
  controllers: [ReceiversController],
  providers: [ReceiversRepository, ReceiversService, ConnectionJournal],
  exports: [ReceiversService, ReceiversRepository, ConnectionJournal],
})
export class ReceiversModule {}
