import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SiteScope } from '../receivers/site-scope';
import { UsersModule } from '../users/users.module';
import { GroupAccessService } from './group-access.service';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from './group.entity';
import { GroupsRepository } from './groups.repository';

/**
 * Who is limited to which groups, apart from the groups' management: sites, messaging and the live view ask it.
 * Global, because the receivers module asks it as its SiteScope without importing groups.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([GroupEntity, GroupMemberEntity, OperatorRestrictionEntity, OperatorGroupEntity]),
    UsersModule,
  ],
  providers: [GroupsRepository, GroupAccessService, { provide: SiteScope, useExisting: GroupAccessService }],
  exports: [GroupsRepository, GroupAccessService, SiteScope],
})
export class GroupAccessModule {}
