import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { GroupAccessService } from './group-access.service';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from './group.entity';
import { GroupsRepository } from './groups.repository';

/** Who is limited to which groups, apart from the groups' management: sites, messaging and the live view ask it. */
@Module({
  imports: [
    TypeOrmModule.forFeature([GroupEntity, GroupMemberEntity, OperatorRestrictionEntity, OperatorGroupEntity]),
    UsersModule,
  ],
  providers: [GroupsRepository, GroupAccessService],
  exports: [GroupsRepository, GroupAccessService],
})
export class GroupAccessModule {}
