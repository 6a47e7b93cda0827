import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiversModule } from '../receivers/receivers.module';
import { InstallerService } from './installer.service';
import { PackageStore } from './package-store';
import {
  ReceiverInstallerController,
  ReceiverPackagesController,
  ReceiverUpdatesController,
} from './receiver-packages.controller';
import { ReceiverRolloutEntity, ReceiverUpdateReportEntity } from './receiver-update.entity';
import { ReceiverUpdatesRepository } from './receiver-updates.repository';
import { ReceiverUpdatesService } from './receiver-updates.service';

@Module({
  imports: [TypeOrmModule.forFeature([ReceiverRolloutEntity, ReceiverUpdateReportEntity]), ReceiversModule],
  controllers: [ReceiverPackagesController, ReceiverUpdatesController, ReceiverInstallerController],
  providers: [PackageStore, ReceiverUpdatesRepository, ReceiverUpdatesService, InstallerService],
  exports: [ReceiverUpdatesService],
})
export class ReceiverPackagesModule {}
