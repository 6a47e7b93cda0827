import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { chunks } from '../database/batches';
import { Sql } from '../database/sql';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from './group.entity';
import { alertWithinLimit, siteWithinLimit } from './group-limit';

/** SQL for the groups of the restricted operator `r` in the queries below. */
const GROUPS_OF_R = 'SELECT og.group_id FROM operator_groups og WHERE og.user_id = r.user_id';

export interface GroupWithMembers {
  group: GroupEntity;
  members: string[];
}

@Injectable()
export class GroupsRepository {
  private readonly sql: Sql;

  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @InjectRepository(GroupMemberEntity) private readonly members: Repository<GroupMemberEntity>,
    @InjectRepository(OperatorRestrictionEntity) private readonly restrictions: Repository<OperatorRestrictionEntity>,
    @InjectRepository(OperatorGroupEntity) private readonly operatorGroups: Repository<OperatorGroupEntity>,
    private readonly dataSource: DataSource,
  ) {
    this.sql = Sql.for(dataSource);
  }

  async list(ids?: number[]): Promise<GroupWithMembers[]> {
    const groups = await this.groups.find({ where: ids ? { id: In(ids) } : {}, order: { name: 'ASC' } });
    if (!groups.length) return [];
    const rows = await this.members.find({
      where: { groupId: In(groups.map((g) => g.id)) },
      order: { memberName: 'ASC' },
    });
    const byGroup = new Map<number, string[]>();
    for (const row of rows) byGroup.set(row.groupId, [...(byGroup.get(row.groupId) ?? []), row.memberName]);
    return groups.map((group) => ({ group, members: byGroup.get(group.id) ?? [] }));
  }

  async findByName(name: string): Promise<GroupWithMembers | null> {
    const group = await this.groups.findOneBy({ name });
    if (!group) return null;
    const rows = await this.members.find({ where: { groupId: group.id }, order: { memberName: 'ASC' } });
    return { group, members: rows.map((r) => r.memberName) };
  }

  async existingNames(names: string[]): Promise<Set<string>> {
    return new Set((await this.idsByName(names)).keys());
  }

  async idsByName(names: string[]): Promise<Map<string, number>> {
    if (!names.length) return new Map();
    const found = await this.groups.find({ select: { id: true, name: true }, where: { name: In(names) } });
    return new Map(found.map((g) => [g.name, g.id]));
  }

  async create(name: string, members: string[], at: number, displayName = name): Promise<GroupEntity> {
    return this.dataSource.transaction((manager) => this.insertGroup(manager, name, members, at, displayName));
  }

  /** Every group in one transaction: all or nothing. */
  async createMany(groups: { name: string; displayName?: string; members: string[] }[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const g of groups) await this.insertGroup(manager, g.name, g.members, at, g.displayName ?? g.name);
    });
  }

  async update(id: number, name: string, members: string[], at: number, displayName = name): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(GroupEntity, { id }, { name, displayName, updatedAt: at });
      await manager.delete(GroupMemberEntity, { groupId: id });
      await this.insertMembers(manager, id, members);
    });
  }

  async delete(id: number): Promise<void> {
    await this.groups.delete({ id });
  }

  findRestriction(userId: number): Promise<OperatorRestrictionEntity | null> {
    return this.restrictions.findOneBy({ userId });
  }

  async allowedGroupIds(userId: number): Promise<number[]> {
    return (await this.operatorGroups.findBy({ userId })).map((r) => r.groupId);
  }

  async setRestriction(userId: number, allowGlobal: boolean, groupIds: number[], at: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.save(OperatorRestrictionEntity, { userId, allowGlobal, updatedAt: at });
      await manager.delete(OperatorGroupEntity, { userId });
      if (groupIds.length)
        await manager.insert(
          OperatorGroupEntity,
          groupIds.map((groupId) => ({ userId, groupId })),
        );
    });
  }

  async clearRestriction(userId: number): Promise<void> {
    await this.restrictions.delete({ userId });
  }

  /** Whether `site` is a member of one of `groupIds`. */
  async siteInGroups(site: string, groupIds: number[]): Promise<boolean> {
    if (!groupIds.length) return false;
    return (await this.members.countBy({ memberName: site, groupId: In(groupIds) })) > 0;
  }

  /** The sites that are members of one of `groupIds`. */
  async membersOf(groupIds: readonly number[]): Promise<Set<string>> {
    const names = new Set<string>();
    for (const batch of chunks(groupIds)) {
      const rows = await this.members.find({ select: { memberName: true }, where: { groupId: In(batch) } });
      for (const row of rows) names.add(row.memberName);
    }
    return names;
  }

  /** Restricted operators (an admin never is) who may not see this alert; see group-limit.ts. */
  withheldAlert(messageId: string): Promise<number[]> {
    return this.restrictedWhere(
      `NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = :messageId AND ${alertWithinLimit('m', 'u.username', GROUPS_OF_R)})`,
      { messageId },
    );
  }

  /** Restricted operators who may not see this site: it is in none of their groups. */
  withheldSite(site: string): Promise<number[]> {
    return this.restrictedWhere(`NOT ${siteWithinLimit(':site', GROUPS_OF_R)}`, { site });
  }

  /** Restricted operators `r` (with their user `u`) for whom `condition` holds. */
  private async restrictedWhere(condition: string, params: Record<string, unknown>): Promise<number[]> {
    // Asked for every live event (each alert, each batch of receipts): with nobody restricted, as in most
    // deployments, one fixed statement answers instead of a built query.
    const anyone = this.sql.statement`SELECT 1 AS found FROM operator_restrictions r JOIN users u ON u.id = r.user_id
      WHERE u.role <> ${'admin'} LIMIT 1`;
    if (!((await this.dataSource.query(anyone.text, anyone.params)) as unknown[]).length) return [];
    const rows = await this.restrictions
      .createQueryBuilder('r')
      .select('r.user_id', 'userId')
      .where(`EXISTS (SELECT 1 FROM users u WHERE u.id = r.user_id AND u.role <> 'admin' AND ${condition})`, params)
      .getRawMany<{ userId: number | string }>();
    return rows.map((row) => Number(row.userId));
  }

  private async insertGroup(
    manager: EntityManager,
    name: string,
    members: string[],
    at: number,
    displayName: string,
  ): Promise<GroupEntity> {
    const group = await manager.save(
      GroupEntity,
      manager.create(GroupEntity, { name, displayName, createdAt: at, updatedAt: at }),
    );
    await this.insertMembers(manager, group.id, members);
    return group;
  }

  private async insertMembers(manager: EntityManager, groupId: number, members: string[]): Promise<void> {
    for (const batch of chunks(members)) {
      await manager.insert(
        GroupMemberEntity,
        batch.map((memberName) => ({ groupId, memberName })),
      );
    }
  }
}
