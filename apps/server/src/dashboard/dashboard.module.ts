import { Module } from '@nestjs/common';
import { MessagingModule } from '../messaging/messaging.module';
import { ReceiversModule } from '../receivers/receivers.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

/** The home screen's figures, read through the sites' and alerts' services; no table of its own. */
@Module({
  imports: [ReceiversModule, MessagingModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}
