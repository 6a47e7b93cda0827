import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { OperatorRestrictionsResponse, TargetKind } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { UsersRepository } from '../users/users.repository';
import { OperatorRestrictionsDto } from './dto/group.dto';
import { normalizeGroupName } from './group-name';
import { GroupsRepository } from './groups.repository';

/** What a caller may see and send to: everything, or the groups an admin allowed. */
export type GroupScope = { restricted: false } | { restricted: true; allowGlobal: boolean; groupIds: number[] };

@Injectable()
export class GroupAccessService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async scopeOf(principal: Principal): Promise<GroupScope> {
    if (principal.kind !== 'user' || principal.role === 'admin') return { restricted: false };
    const restriction = await this.groups.findRestriction(principal.userId);
    if (!restriction) return { restricted: false };
    return {
      restricted: true,
      allowGlobal: restriction.allowGlobal,
      groupIds: await this.groups.allowedGroupIds(principal.userId),
    };
  }

  /** Refuses (403, audited) a send outside the caller's groups. */
  async assertMaySend(principal: Principal, actor: Actor, kind: TargetKind, name: string | undefined): Promise<void> {
    const scope = await this.scopeOf(principal);
    if (!scope.restricted) return;
    if (kind === 'all' && scope.allowGlobal) return;
    if (kind === 'group' && name) {
      const group = await this.groups.findByName(normalizeGroupName(name));
      if (group && scope.groupIds.includes(group.group.id)) return;
    }
    if (kind === 'receiver' && name && (await this.groups.siteInGroups(name, scope.groupIds))) return;
    const what = kind === 'all' ? 'global alerts' : kind === 'group' ? `group "${name}"` : `site "${name}"`;
    await this.refuse(actor, `send to ${what}`);
  }

  async refuse(actor: Actor, what: string): Promise<never> {
    await this.events.emit('access.refused', { actor, target: what, details: { reason: 'group restriction' } });
    throw new ForbiddenException(`you are not allowed to ${what}: your account is limited to some groups`);
  }

  async get(userId: number): Promise<OperatorRestrictionsResponse> {
    await this.requireUser(userId);
    const restriction = await this.groups.findRestriction(userId);
    if (!restriction) return { userId, restricted: false, allowGlobal: true, groups: [] };
    const ids = await this.groups.allowedGroupIds(userId);
    const groups = ids.length ? (await this.groups.list(ids)).map((g) => g.group.name) : [];
    return { userId, restricted: true, allowGlobal: restriction.allowGlobal, groups };
  }

  async set(userId: number, dto: OperatorRestrictionsDto, actor: Actor): Promise<OperatorRestrictionsResponse> {
    const user = await this.requireUser(userId);
    if (!dto.restricted) {
      await this.groups.clearRestriction(userId);
      await this.events.emit('user.restrictions.changed', {
        actor,
        target: user.username,
        details: { restricted: false },
      });
      return this.get(userId);
    }
    if (user.role === 'admin')
      throw new BadRequestException('admins see and send everything; only operators can be restricted');
    const names = [...new Set((dto.groups ?? []).map(normalizeGroupName))];
    const found = await this.groups.idsByName(names);
    const missing = names.filter((n) => !found.has(n));
    if (missing.length) throw new NotFoundException(`no such group: ${missing.map((n) => `"${n}"`).join(', ')}`);
    const ids = [...found.values()];
    await this.groups.setRestriction(userId, dto.allowGlobal ?? false, ids, this.clock.now());
    await this.events.emit('user.restrictions.changed', {
      actor,
      target: user.username,
      details: { restricted: true, allowGlobal: dto.allowGlobal ?? false, groups: names },
    });
    return this.get(userId);
  }

  private async requireUser(userId: number) {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundException(`user ${userId} does not exist`);
    return user;
  }
}
