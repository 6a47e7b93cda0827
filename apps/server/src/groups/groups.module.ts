import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReceiversModule } from '../receivers/receivers.module';
import { UsersModule } from '../users/users.module';
import { GroupAccessService } from './group-access.service';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from './group.entity';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';
import { OperatorRestrictionsController } from './operator-restrictions.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([GroupEntity, GroupMemberEntity, OperatorRestrictionEntity, OperatorGroupEntity]),
    ReceiversModule,
    UsersModule,
  ],
  controllers: [GroupsController, OperatorRestrictionsController],
  providers: [GroupsRepository, GroupsService, GroupAccessService],
  exports: [GroupsService, GroupAccessService],
})
export class GroupsModule {}
