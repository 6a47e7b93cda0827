import { Module } from '@nestjs/common';
import { ReceiversModule } from '../receivers/receivers.module';
import { GroupAccessModule } from './group-access.module';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { OperatorRestrictionsController } from './operator-restrictions.controller';

@Module({
  imports: [GroupAccessModule, ReceiversModule],
  controllers: [GroupsController, OperatorRestrictionsController],
  providers: [GroupsService],
  exports: [GroupsService, GroupAccessModule],
})
export class GroupsModule {}
