import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module';
import { ReceiverPackagesModule } from '../receiver-packages/receiver-packages.module';
import { ReceiversModule } from '../receivers/receivers.module';
import { ClientGateway } from './client-gateway';
import { ReceiverCatchUp } from './receiver-catch-up';
import { ReceiverHandshake } from './receiver-handshake';
import { ReceiverPresence } from './receiver-presence';

@Module({
  imports: [ReceiversModule, MessagingModule, ReceiverPackagesModule],
  providers: [ClientGateway, ReceiverHandshake, ReceiverPresence, ReceiverCatchUp],
})
export class ClientGatewayModule {}
