import { BadRequestException, Injectable } from '@nestjs/common';
import {
  NAME_LIMITS,
  errorMessage,
  nameProblem,
  type CatalogueErrorCode,
  type ErrorParamsArg,
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
import { apiError, codedPayloadOf, fieldError } from '../common/http/api-error';
import { nameFieldProblem } from '../common/http/names';
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
    super(codedPayloadOf('group.import_refused', [{ count: report.errors.length }]));
  }
}

/** One line of the import report, with its code and params and their English message. */
function problem<C extends CatalogueErrorCode>(line: number, code: C, ...params: ErrorParamsArg<C>): ImportProblem {
  return { line, code, params: params[0] ?? {}, message: errorMessage(code, ...params) };
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
    if ((await this.groups.existingNames([name])).size) throw apiError('group.exists', { name });
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
      throw apiError('group.exists', { name });
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
      if (existing.has(g.name)) errors.push(problem(g.line, 'group.already_exists', { name: g.name }));
    }
    const allMembers = [...new Set(groups.flatMap((g) => g.members))];
    const sites = new Set((await this.receivers.findSites(allMembers)).map((r) => r.name));
    const warnings: ImportProblem[] = groups.flatMap((g) =>
      g.members.filter((m) => !sites.has(m)).map((m) => problem(g.line, 'group.unknown_member', { member: m })),
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
      if (!groups.length && !report.errors.length) report.errors.push(problem(0, 'group.import_empty'));
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
      errors.push(problem(line, 'group.import_malformed', { detail: (error as Error).message }));
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
        errors.push(problem(line, 'group.name_empty'));
        continue;
      }
      if (name.length > 128) errors.push(problem(line, 'group.name_too_long', { name: name.slice(0, 40), max: 128 }));
      if (seen.has(name)) errors.push(problem(line, 'group.repeated', { name, line: seen.get(name)! }));
      else seen.set(name, line);
      if (!members.length) errors.push(problem(line, 'group.no_members', { name }));
      for (const m of new Set(members)) {
        const wrong = nameProblem(m);
        if (wrong)
          errors.push(problem(line, 'group.member_invalid', { member: shown(m), problem: wrong, ...NAME_LIMITS }));
      }
      const twice = members.filter((m, i) => members.indexOf(m) !== i);
      for (const m of new Set(twice)) errors.push(problem(line, 'group.member_twice', { member: m, name }));
      groups.push({ line, name, displayName, members: [...new Set(members)] });
    }
    return { groups, errors };
  }

  private validated(dto: GroupDto): { name: string; displayName: string; members: string[] } {
    const displayName = shownGroupName(dto.name);
    const name = normalizeGroupName(displayName);
    if (!name) throw fieldError('name', 'group.name_required');
    const members = dto.members.map(normalizeName).filter(Boolean);
    if (!members.length) throw fieldError('members', 'group.members_required');
    const invalid = dto.members.flatMap((raw, i) => {
      const member = normalizeName(raw);
      const wrong = member ? nameProblem(member) : null;
      return wrong ? [nameFieldProblem('members', `members[${i}]`, wrong)] : [];
    });
    if (invalid.length) throw new FieldValidationException(invalid);
    const twice = [...new Set(members.filter((m, i) => members.indexOf(m) !== i))];
    if (twice.length) throw fieldError('members', 'group.members_repeated', { members: twice });
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
    if (!found) throw apiError('group.not_found', { name });
    return found;
  }
}
