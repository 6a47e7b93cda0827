import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  NAME_PROBLEM_TEXT,
  nameProblem,
  normalizeGroupName,
  normalizeName,
  type GroupImportReport,
  type GroupInfoResponse,
  type GroupResponse,
  type ImportProblem,
} from '@avisa/contracts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Actor, Principal } from '../common/actor';
import { neutralizeFormula, restoreFormula } from '../common/csv-cells';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { Clock } from '../common/system/clock';
import { ReceiverHub } from '../fanout/receiver-hub';
import { ReceiversService } from '../receivers/receivers.service';
import { GroupDto, toGroupResponse } from './dto/group.dto';
import { GroupAccessService, GroupScope } from './group-access.service';
import { GroupWithMembers, GroupsRepository } from './groups.repository';

const HEADER = /^(group|grupo|group_name|nombre_grupo|name|nombre)$/i;
/** A group's name as typed, only trimmed: "Zona Norte" stays "Zona Norte". */
const shownGroupName = (typed: string) => typed.trim();
interface ImportedGroup {
  line: number;
  name: string;
  displayName: string;
  members: string[];
}
const previewOf = ({ line, name, displayName, members }: ImportedGroup) => ({ line, name, displayName, members });
const shown = (text: string) => (text.length > 64 ? `${text.slice(0, 40)}…` : text);

export class GroupImportException extends BadRequestException {
  constructor(readonly report: GroupImportReport) {
    super(`nothing was imported: ${report.errors.length} problem(s), see report.errors`);
  }
}

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly access: GroupAccessService,
    private readonly receivers: ReceiversService,
    private readonly hub: ReceiverHub,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  async list(principal: Principal): Promise<GroupResponse[]> {
    const scope = await this.access.scopeOf(principal);
    return (await this.groups.list(scope.restricted ? scope.groupIds : undefined)).map(toGroupResponse);
  }

  async get(rawName: string, principal: Principal, actor: Actor): Promise<GroupResponse> {
    return toGroupResponse(await this.visible(rawName, principal, actor));
  }

  async info(rawName: string, principal: Principal, actor: Actor): Promise<GroupInfoResponse> {
    const { group, members } = await this.visible(rawName, principal, actor);
    const sites = new Set((await this.receivers.findSites(members)).map((r) => r.name));
    const online = await this.hub.online(members.filter((m) => sites.has(m)));
    return {
      name: group.name,
      online: members.filter((m) => online.has(m)),
      offline: members.filter((m) => sites.has(m) && !online.has(m)),
      unknown: members.filter((m) => !sites.has(m)),
    };
  }

  /** The group's members split into sites that exist (enabled or not) and names that match no site. */
  async membersForSending(name: string): Promise<{ members: string[] } | null> {
    const found = await this.groups.findByName(normalizeGroupName(name));
    return found ? { members: found.members } : null;
  }

  async create(dto: GroupDto, principal: Principal, actor: Actor): Promise<GroupResponse> {
    await this.mayManage(principal, actor, 'create groups');
    const { name, displayName, members } = this.validated(dto);
    if ((await this.groups.existingNames([name])).size)
      throw new ConflictException(`a group named "${name}" already exists`);
    await this.groups.create(name, members, this.clock.now(), displayName);
    await this.events.emit('group.created', {
      actor,
      target: name,
      details: { members: members.length, ...(displayName !== name ? { displayName } : {}) },
    });
    return toGroupResponse((await this.groups.findByName(name))!);
  }

  async update(rawName: string, dto: GroupDto, principal: Principal, actor: Actor): Promise<GroupResponse> {
    await this.mayManage(principal, actor, 'change groups');
    const current = await this.require(rawName);
    const { name, displayName, members } = this.validated(dto);
    if (name !== current.group.name && (await this.groups.existingNames([name])).size) {
      throw new ConflictException(`a group named "${name}" already exists`);
    }
    await this.groups.update(current.group.id, name, members, this.clock.now(), displayName);
    const added = members.filter((m) => !current.members.includes(m));
    const removed = current.members.filter((m) => !members.includes(m));
    const shownBefore = current.group.displayName || current.group.name;
    await this.events.emit('group.updated', {
      actor,
      target: current.group.name,
      details: {
        ...(name !== current.group.name ? { renamedTo: name } : {}),
        ...(displayName !== shownBefore ? { displayName } : {}),
        added,
        removed,
      },
    });
    return toGroupResponse((await this.groups.findByName(name))!);
  }

  async delete(rawName: string, principal: Principal, actor: Actor): Promise<void> {
    await this.mayManage(principal, actor, 'delete groups');
    const current = await this.require(rawName);
    await this.groups.delete(current.group.id);
    await this.events.emit('group.deleted', {
      actor,
      target: current.group.name,
      details: { members: current.members.length },
    });
  }

  async export(principal: Principal): Promise<string> {
    const groups = await this.list(principal);
    return stringify(groups.map((g) => [g.displayName, ...g.members].map(neutralizeFormula)));
  }

  /** Validates the whole file first; imports all of it in one transaction, or nothing. */
  /** With `dryRun` the report is the same and nothing is imported or audited; problems are in it, not thrown. */
  async import(
    csv: string,
    file: string | null,
    principal: Principal,
    actor: Actor,
    dryRun = false,
  ): Promise<GroupImportReport> {
    await this.mayManage(principal, actor, 'import groups');
    const { groups, errors } = this.parseImport(csv);
    const existing = await this.groups.existingNames(groups.map((g) => g.name));
    for (const g of groups) {
      if (existing.has(g.name)) errors.push({ line: g.line, message: `group "${g.name}" already exists` });
    }
    const allMembers = [...new Set(groups.flatMap((g) => g.members))];
    const sites = new Set((await this.receivers.findSites(allMembers)).map((r) => r.name));
    const warnings: ImportProblem[] = groups.flatMap((g) =>
      g.members
        .filter((m) => !sites.has(m))
        .map((m) => ({ line: g.line, message: `"${m}" is not a known site (imported anyway)` })),
    );
    const report: GroupImportReport = {
      file,
      imported: false,
      groups: groups.length,
      members: groups.reduce((n, g) => n + g.members.length, 0),
      errors: errors.sort((a, b) => a.line - b.line),
      warnings,
    };
    if (report.errors.length || !groups.length) {
      if (!groups.length && !report.errors.length) report.errors.push({ line: 0, message: 'the file lists no groups' });
      if (dryRun) return { ...report, preview: groups.map(previewOf) };
      throw new GroupImportException(report);
    }
    if (dryRun) return { ...report, preview: groups.map(previewOf) };
    await this.groups.createMany(groups, this.clock.now());
    report.imported = true;
    await this.events.emit('groups.imported', {
      actor,
      target: file,
      details: { file, groups: report.groups, members: report.members, warnings: warnings.length },
    });
    return report;
  }

  private parseImport(csv: string): {
    groups: ImportedGroup[];
    errors: ImportProblem[];
  } {
    const errors: ImportProblem[] = [];
    let parsed: { record: string[]; info: { lines: number } }[];
    try {
      parsed = parse(csv, {
        bom: true,
        delimiter: [',', ';'],
        relax_column_count: true,
        skip_empty_lines: true,
        trim: true,
        info: true,
      }) as unknown as { record: string[]; info: { lines: number } }[];
    } catch (error) {
      const line = (error as { lines?: number }).lines ?? 0;
      errors.push({ line, message: `malformed line: ${(error as Error).message}` });
      return { groups: [], errors };
    }
    const rows = HEADER.test(parsed[0]?.record[0] ?? '') ? parsed.slice(1) : parsed;
    const seen = new Map<string, number>();
    const groups: ImportedGroup[] = [];
    for (const { record, info } of rows) {
      const line = info.lines;
      const cells = record.map(restoreFormula);
      const displayName = shownGroupName(cells[0] ?? '');
      const name = normalizeGroupName(displayName);
      const members = cells.slice(1).map(normalizeName).filter(Boolean);
      if (!name) {
        errors.push({ line, message: 'the group name is empty' });
        continue;
      }
      if (name.length > 128)
        errors.push({ line, message: `group name "${name.slice(0, 40)}…" is longer than 128 characters` });
      if (seen.has(name)) errors.push({ line, message: `group "${name}" also appears on line ${seen.get(name)}` });
      else seen.set(name, line);
      if (!members.length) errors.push({ line, message: `group "${name}" has no members` });
      for (const m of new Set(members)) {
        const problem = nameProblem(m);
        if (problem) errors.push({ line, message: `member "${shown(m)}" ${NAME_PROBLEM_TEXT[problem]}` });
      }
      const twice = members.filter((m, i) => members.indexOf(m) !== i);
      for (const m of new Set(twice))
        errors.push({ line, message: `member "${m}" is listed twice in group "${name}"` });
      groups.push({ line, name, displayName, members: [...new Set(members)] });
    }
    return { groups, errors };
  }

  private validated(dto: GroupDto): { name: string; displayName: string; members: string[] } {
    const displayName = shownGroupName(dto.name);
    const name = normalizeGroupName(displayName);
    if (!name) throw new BadRequestException('name must not be empty');
    const members = dto.members.map(normalizeName).filter(Boolean);
    if (!members.length) throw new BadRequestException('members must list at least one site');
    const invalid = dto.members.flatMap((raw, i) => {
      const member = normalizeName(raw);
      const problem = member ? nameProblem(member) : null;
      return problem ? [`members[${i}] ${NAME_PROBLEM_TEXT[problem]}`] : [];
    });
    if (invalid.length) throw new FieldValidationException({ members: invalid });
    const twice = [...new Set(members.filter((m, i) => members.indexOf(m) !== i))];
    if (twice.length)
      throw new BadRequestException(`members lists ${twice.map((m) => `"${m}"`).join(', ')} more than once`);
    return { name, displayName, members };
  }

  private async mayManage(principal: Principal, actor: Actor, what: string): Promise<void> {
    const scope: GroupScope = await this.access.scopeOf(principal);
    if (scope.restricted) await this.access.refuse(actor, what);
  }

  private async visible(rawName: string, principal: Principal, actor: Actor): Promise<GroupWithMembers> {
    const found = await this.require(rawName);
    const scope = await this.access.scopeOf(principal);
    if (scope.restricted && !scope.groupIds.includes(found.group.id))
      await this.access.refuse(actor, `see group "${found.group.name}"`);
    return found;
  }

  private async require(rawName: string): Promise<GroupWithMembers> {
    const name = normalizeGroupName(rawName);
    const found = await this.groups.findByName(name);
    if (!found) throw new NotFoundException(`group "${name}" does not exist`);
    return found;
  }
}
