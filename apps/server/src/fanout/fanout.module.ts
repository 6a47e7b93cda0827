import { Global, Module } from '@nestjs/common';
import { InProcessReceiverHub } from './in-process-receiver-hub';
import { ReceiverHub } from './receiver-hub';

@Global()
@Module({
  providers: [InProcessReceiverHub, { provide: ReceiverHub, useExisting: InProcessReceiverHub }],
  exports: [ReceiverHub, InProcessReceiverHub],
})
export class FanOutModule {}
