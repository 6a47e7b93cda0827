import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiverConnectionEntity, ReceiverEntity } from './receiver.entity';
import { ReceiversController } from './receivers.controller';
import { ReceiversRepository } from './receivers.repository';
import { ReceiversService } from './receivers.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReceiverEntity, ReceiverConnectionEntity])],
  controllers: [ReceiversController],
  providers: [ReceiversRepository, ReceiversService],
  exports: [ReceiversService],
})
export class ReceiversModule {}
