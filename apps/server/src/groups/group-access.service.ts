import { Injectable } from '@nestjs/common';
import type { OperatorRestrictionsResponse, TargetKind } from '@avisa/contracts';
import { normalizeGroupName } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { SiteScope } from '../receivers/site-scope';
import { UsersService } from '../users/users.service';
import { OperatorRestrictionsDto } from './dto/group.dto';
import { GroupLimit } from './group-limit';
import { GroupsRepository } from './groups.repository';
import { apiError } from '../common/http/api-error';

/** What a caller may see and send to: everything, or the groups an admin allowed (and its own alerts). */
export type GroupScope = { restricted: false } | ({ restricted: true; allowGlobal: boolean } & GroupLimit);

@Injectable()
export class GroupAccessService implements SiteScope {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly users: UsersService,
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
      sender: principal.username,
      groupIds: await this.groups.allowedGroupIds(principal.userId),
    };
  }

  /** The sites a caller may see: all (null), or the members of its groups. */
  async visibleSites(principal: Principal): Promise<Set<string> | null> {
    const scope = await this.scopeOf(principal);
    return scope.restricted ? this.groups.membersOf(scope.groupIds) : null;
  }

  async maySeeSite(principal: Principal, site: string): Promise<boolean> {
    const scope = await this.scopeOf(principal);
    return !scope.restricted || this.groups.siteInGroups(site, scope.groupIds);
  }

  /** The restricted operators the live view must not tell about this alert. */
  withheldAlert(messageId: string): Promise<number[]> {
    return this.groups.withheldAlert(messageId);
  }

  /** The restricted operators the live view must not tell about this site. */
  withheldSite(site: string): Promise<number[]> {
    return this.groups.withheldSite(site);
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
    await this.recordRefusal(actor, what);
    throw apiError('group.restricted', { action: what });
  }

  /** Audits an attempt outside the caller's groups; the caller answers it (403, or 404 where existence is not told). */
  async recordRefusal(actor: Actor, what: string): Promise<void> {
    await this.events.emit('access.refused', { actor, target: what, details: { reason: 'group restriction' } });
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
    if (user.role === 'admin') throw apiError('restriction.admin');
    if (user.role === 'member') throw apiError('restriction.member');
    const names = [...new Set((dto.groups ?? []).map(normalizeGroupName))];
    const found = await this.groups.idsByName(names);
    const missing = names.filter((n) => !found.has(n));
    if (missing.length) throw apiError('group.unknown_groups', { names: missing });
    const ids = [...found.values()];
    await this.groups.setRestriction(userId, dto.allowGlobal ?? false, ids, this.clock.now());
    await this.events.emit('user.restrictions.changed', {
      actor,
      target: user.username,
      details: { restricted: true, allowGlobal: dto.allowGlobal ?? false, groups: names },
    });
    return this.get(userId);
  }

  private requireUser(userId: number) {
    return this.users.get(userId);
  }
}
