import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module';
import { ReceiversModule } from '../receivers/receivers.module';
import { ClientGateway } from './client-gateway';

@Module({ imports: [ReceiversModule, MessagingModule], providers: [ClientGateway] })
export class ClientGatewayModule {}
