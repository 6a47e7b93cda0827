import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionJournal } from './connection-journal';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';
import { ReceiversController } from './receivers.controller';
import { ReceiversRepository } from './receivers.repository';
import { ReceiversService } from './receivers.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReceiverEntity, ReceiverConnectionEntity])],
  controllers: [ReceiversController],
  providers: [ReceiversRepository, ReceiversService, ConnectionJournal],
  exports: [ReceiversService, ReceiversRepository, ConnectionJournal],
})
export class ReceiversModule {}
