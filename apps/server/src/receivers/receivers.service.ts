import { BadRequestException, Injectable } from '@nestjs/common';
import {
  SITE_CSV_COLUMNS,
  SITE_DETAIL_FIELDS,
  SITE_PROBLEM_TEXT,
  siteDetailIssue,
  siteMatches,
  splitTags,
  type BulkSiteProblem,
  type BulkSitesReport,
  type DashboardSites,
  type ReceiverConnectionResponse,
  type ReceiverResponse,
  type ReceiverWithKeyResponse,
  type SiteCsvColumn,
  type SiteDetailField,
  type SiteDetails,
  type SiteFilter,
  type SiteProblem,
} from '@avisa/contracts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Actor, Principal } from '../common/actor';
import { neutralizeFormula, restoreFormula } from '../common/csv-cells';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { chunks } from '../database/batches';
import { ReceiverHub } from '../fanout/receiver-hub';
import { NAME_PATTERN, normalizeName } from '@avisa/contracts';
import { CreateReceiverDto, UpdateReceiverDto, toConnectionResponse, toReceiverResponse } from './dto/receiver.dto';
import { ReceiverEntity } from './receiver.entity';
import { type EnabledSite, ReceiversRepository, type SiteCredentials, type SiteLastSeen } from './receivers.repository';
import { SiteScope } from './site-scope';
import { apiError } from '../common/http/api-error';

export const RECEIVER_KEY_PREFIX = 'avr_';
const MAX_BULK = 20_000;

/** A site as other modules need it to address alerts and check group members. */
export interface SiteRecord {
  id: number;
  name: string;
  enabled: boolean;
}

export type ReceiverAuthResult =
  { ok: true; receiver: SiteCredentials } | { ok: false; code: 'invalid_credentials' | 'disabled' };

@Injectable()
export class ReceiversService {
  constructor(
    private readonly receivers: ReceiversRepository,
    private readonly hub: ReceiverHub,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly access: SiteScope,
  ) {}

  /** Every site, or for an operator restricted to some groups the sites of those groups; `filter` narrows it. */
  async list(principal: Principal, filter: SiteFilter = {}): Promise<ReceiverResponse[]> {
    const [all, online, visible] = await Promise.all([
      this.receivers.list(),
      this.hub.allPresence(),
      this.access.visibleSites(principal),
    ]);
    const byName = new Map(online.map((p) => [p.name, p]));
    return all
      .filter((r) => (!visible || visible.has(r.name)) && siteMatches({ ...r, tags: r.tags ?? [] }, filter))
      .map((r) => toReceiverResponse(r, byName.get(r.name)));
  }

  /** One site; outside a restricted operator's groups it answers as if it did not exist. */
  async get(name: string, principal: Principal): Promise<ReceiverResponse> {
    const receiver = await this.require(name, { current: true });
    if (!(await this.access.maySeeSite(principal, receiver.name))) throw notFound(receiver.name);
    return toReceiverResponse(receiver, await this.hub.presence(receiver.name));
  }

  async create(dto: CreateReceiverDto, actor: Actor): Promise<ReceiverWithKeyResponse> {
    if (await this.receivers.findByName(dto.name)) {
      throw apiError('site.exists', { name: dto.name });
    }
    const key = this.newKey();
    const now = this.clock.now();
    const receiver = await this.receivers.create({
      name: dto.name,
      displayName: dto.displayName ?? dto.name,
      enabled: true,
      keyHash: this.crypto.sha256(key),
      createdAt: now,
      updatedAt: now,
      lastSeenAt: null,
      clientVersion: null,
      ...EMPTY_DETAILS,
      ...storedDetails(dto),
    });
    const details = changedDetails(storedDetails(dto), EMPTY_DETAILS);
    await this.events.emit('receiver.created', {
      actor,
      target: receiver.name,
      ...(Object.keys(details).length ? { details } : {}),
    });
    return { ...toReceiverResponse(receiver, null), key };
  }

  async update(name: string, dto: UpdateReceiverDto, actor: Actor): Promise<ReceiverResponse> {
    const receiver = await this.require(name);
    const changes: Partial<ReceiverEntity> = {};
    if (dto.displayName !== undefined && dto.displayName !== receiver.displayName)
      changes.displayName = dto.displayName;
    if (dto.enabled !== undefined && dto.enabled !== receiver.enabled) changes.enabled = dto.enabled;
    const details = changedDetails(storedDetails(dto), receiver);
    if (Object.keys(changes).length || Object.keys(details).length) {
      await this.receivers.update(receiver.id, { ...changes, ...details, updatedAt: this.clock.now() });
      if (changes.enabled === false) await this.hub.disconnect(receiver.name, 'disabled');
      await this.events.emit('receiver.updated', {
        actor,
        target: receiver.name,
        details: { ...changes, ...auditedDetails(details) },
      });
    }
    const updated = await this.require(receiver.name, { current: true });
    return toReceiverResponse(updated, await this.hub.presence(updated.name));
  }

  async rotateKey(name: string, actor: Actor): Promise<ReceiverWithKeyResponse> {
    const receiver = await this.require(name);
    const key = this.newKey();
    await this.receivers.update(receiver.id, { keyHash: this.crypto.sha256(key), updatedAt: this.clock.now() });
    await this.hub.disconnect(receiver.name, 'key_changed');
    await this.events.emit('receiver.key.rotated', { actor, target: receiver.name });
    return { ...toReceiverResponse(receiver, null), key };
  }

  async delete(name: string, actor: Actor): Promise<void> {
    const receiver = await this.require(name);
    await this.hub.disconnect(receiver.name, 'deleted');
    // Connection rows still waiting to be written must land before their site goes.
    await this.receivers.delete(receiver.id);
    await this.events.emit('receiver.deleted', { actor, target: receiver.name, name: receiver.name });
  }

  async connections(name: string, limit = 100): Promise<ReceiverConnectionResponse[]> {
    const receiver = await this.require(name);
    return (await this.receivers.lastConnections(receiver.id, limit)).map(toConnectionResponse);
  }

  /** What `provision` would create from this file, and every problem by line and column; creates nothing. */
  async previewProvisioning(csv: string): Promise<BulkSitesReport> {
    const { rows, problems } = await this.checkProvisioning(csv);
    return {
      sites: problems.length
        ? []
        : rows.map(({ line, name, displayName, details }) => ({
            line,
            name,
            displayName: displayName ?? name,
            ...shownDetails(details),
          })),
      errors: problems,
    };
  }

  /**
   * CSV in: one site per line, `name,displayName,address,phone,region,tags,notes` (a header row may name the columns
   * in any order). All or nothing: any problem refuses the file with the report of every line at fault.
   * CSV out: `name,key`, the only time those keys are shown.
   */
  async provision(csv: string, actor: Actor): Promise<string> {
    const { rows, problems } = await this.checkProvisioning(csv);
    if (problems.length) throw new BulkSitesRefused({ sites: [], errors: problems });
    const now = this.clock.now();
    const created = rows.map((r) => ({ ...r, key: this.newKey() }));
    await this.receivers.createMany(
      created.map((r) => ({
        name: r.name,
        displayName: r.displayName ?? r.name,
        enabled: true,
        keyHash: this.crypto.sha256(r.key),
        createdAt: now,
        updatedAt: now,
        lastSeenAt: null,
        clientVersion: null,
        ...EMPTY_DETAILS,
        ...storedDetails(r.details),
      })),
    );
    const withDetails = created.filter(
      (r) => Object.keys(changedDetails(storedDetails(r.details), EMPTY_DETAILS)).length,
    );
    await this.events.emit('receivers.provisioned', {
      actor,
      target: null,
      details: { count: created.length, ...(withDetails.length ? { withDetails: withDetails.length } : {}) },
    });
    return stringify([['name', 'key'], ...created.map((r) => [r.name, r.key])]);
  }

  /** The visible sites as a CSV that `provision` reads back: every cell safe from spreadsheet formulas. */
  async export(principal: Principal, filter: SiteFilter = {}): Promise<string> {
    const sites = await this.list(principal, filter);
    const cells = (s: ReceiverResponse) => [
      s.name,
      s.displayName,
      s.postalAddress ?? '',
      s.phone ?? '',
      s.region ?? '',
      s.tags.join('|'),
      s.notes ?? '',
    ];
    return stringify([[...SITE_CSV_COLUMNS], ...sites.map((s) => cells(s).map(neutralizeFormula))]);
  }

  async authenticate(rawName: unknown, key: unknown): Promise<ReceiverAuthResult> {
    if (typeof rawName !== 'string' || typeof key !== 'string') return { ok: false, code: 'invalid_credentials' };
    const receiver = await this.receivers.findCredentials(normalizeName(rawName));
    if (!receiver || !this.crypto.safeEqual(receiver.keyHash, this.crypto.sha256(key))) {
      return { ok: false, code: 'invalid_credentials' };
    }
    if (!receiver.enabled) return { ok: false, code: 'disabled' };
    return { ok: true, receiver };
  }

  /** Every problem in one answer: lines already listed or invalid, and sites that already exist. */
  private async checkProvisioning(csv: string) {
    const { rows, problems } = this.parseProvisioning(csv);
    const existing = await this.receivers.findByNames(rows.filter((r) => r.valid).map((r) => r.name));
    const taken = new Set(existing.map((r) => r.name));
    for (const r of rows.filter((row) => row.valid && taken.has(row.name))) {
      problems.push(problem(r.line, 'name', { code: 'exists', params: { name: r.name } }));
    }
    problems.sort((a, b) => a.line - b.line);
    return { rows, problems };
  }

  private parseProvisioning(csv: string): { rows: ProvisionedRow[]; problems: BulkSiteProblem[] } {
    let parsed: { record: string[]; info: { lines: number } }[];
    try {
      parsed = parse(csv, {
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        delimiter: [',', ';'],
        info: true,
      }) as unknown as { record: string[]; info: { lines: number } }[];
    } catch (error) {
      const line = (error as { lines?: number }).lines ?? 0;
      const reason = (error as Error).message;
      throw new BulkSitesRefused({
        sites: [],
        errors: [problem(line, null, { code: 'unreadable', params: { reason } })],
      });
    }
    const problems: BulkSiteProblem[] = [];
    // A header row names the columns: one of its cells says `name` (or `nombre`), in any position.
    const header = parsed[0]?.record.some((cell) => /^(name|nombre)$/i.test(cell)) ? parsed[0] : null;
    // A header of `name` alone is the older `name[,display name]` file: its cells keep the standard order.
    const named = header && header.record.length > 1;
    const columns = named ? this.headerColumns(header.record, header.info.lines, problems) : [...SITE_CSV_COLUMNS];
    const records = header ? parsed.slice(1) : parsed;
    if (!records.length) throw apiError('site.csv_empty');
    if (records.length > MAX_BULK) throw apiError('site.csv_too_many', { max: MAX_BULK });
    const seen = new Map<string, number>();
    const rows = records.map(({ record, info }) => {
      const line = info.lines;
      const cells = new Map<SiteCsvColumn, string>();
      record.forEach((cell, i) => {
        if (columns[i]) cells.set(columns[i], restoreFormula(cell));
      });
      if (record.length > columns.length && record.slice(columns.length).some(Boolean)) {
        problems.push(
          problem(line, null, { code: 'extraCells', params: { cells: record.length, columns: columns.length } }),
        );
      }
      const rawName = cells.get('name') ?? '';
      const name = normalizeName(rawName);
      let valid = false;
      if (name.length < 2 || name.length > 64 || !NAME_PATTERN.test(name)) {
        problems.push(problem(line, 'name', { code: 'invalidName', params: { name: rawName.slice(0, 80) } }));
      } else if (seen.has(name)) {
        problems.push(problem(line, 'name', { code: 'repeatedName', params: { name, other: seen.get(name)! } }));
      } else {
        seen.set(name, line);
        valid = true;
      }
      const displayName = cells.get('displayName') || undefined;
      if (displayName && displayName.length > 128) {
        problems.push(problem(line, 'displayName', { code: 'tooLong', params: { max: 128 } }));
        valid = false;
      }
      const details: SiteDetails = {};
      for (const field of SITE_DETAIL_FIELDS) {
        const column = CSV_COLUMN_OF[field];
        const cell = cells.get(column);
        if (!cell) continue;
        const value = field === 'tags' ? splitTags(cell) : cell;
        const wrong = siteDetailIssue(field, value);
        if (wrong) {
          problems.push(problem(line, column, wrong));
          valid = false;
        } else Object.assign(details, { [field]: value });
      }
      return { line, name, displayName, details, valid };
    });
    return { rows, problems };
  }

  /** The columns a header row names, in its order; unknown or repeated names are problems of that line. */
  private headerColumns(cells: string[], line: number, problems: BulkSiteProblem[]): SiteCsvColumn[] {
    const columns: SiteCsvColumn[] = [];
    for (const cell of cells) {
      const column = HEADER_ALIASES.get(cell.toLowerCase().replace(/[\s_-]/g, ''));
      if (!column) {
        problems.push(problem(line, null, { code: 'unknownColumn', params: { column: cell.slice(0, 40) } }));
      } else if (columns.includes(column)) {
        problems.push(problem(line, column, { code: 'repeatedColumn', params: { column } }));
      }
      columns.push(column ?? ('' as SiteCsvColumn));
    }
    return columns;
  }

  private newKey(): string {
    return this.crypto.randomToken(RECEIVER_KEY_PREFIX);
  }

  /**
   * Enabled sites online and offline now, the disabled ones apart, and the `listed` enabled sites offline the longest
   * (never connected first, from their creation; then by last seen), as a caller sees them.
   */
  async presenceSummary(principal: Principal, listed: number): Promise<DashboardSites> {
    const [all, online, visible] = await Promise.all([
      this.receivers.lastSeen(),
      this.hub.allPresence(),
      this.access.visibleSites(principal),
    ]);
    const connected = new Set(online.map((p) => p.name));
    const seen = all.filter((r) => !visible || visible.has(r.name));
    const enabled = seen.filter((r) => r.enabled);
    const offline = enabled.filter((r) => !connected.has(r.name));
    const since = (r: SiteLastSeen) => r.lastSeenAt ?? r.createdAt;
    offline.sort(
      (a, b) =>
        Number(b.lastSeenAt === null) - Number(a.lastSeenAt === null) ||
        since(a) - since(b) ||
        (a.name < b.name ? -1 : 1),
    );
    return {
      total: enabled.length,
      online: enabled.length - offline.length,
      offline: offline.length,
      disabled: seen.length - enabled.length,
      offlineLongest: offline.slice(0, listed).map((r) => ({
        name: r.name,
        displayName: r.displayName,
        since: new Date(since(r)).toISOString(),
        neverConnected: r.lastSeenAt === null,
      })),
    };
  }

  /** Every enabled site, by name (shared: not to be changed). */
  enabledSites(): Promise<readonly EnabledSite[]> {
    return this.receivers.listEnabledNames();
  }

  findSite(name: string): Promise<SiteRecord | null> {
    return this.receivers.findIdentity(name);
  }

  async findSites(names: string[]): Promise<SiteRecord[]> {
    return (await this.receivers.findByNames(names)).map((r) => ({ id: r.id, name: r.name, enabled: r.enabled }));
  }

  /** How each of these sites is called (its display name, else its name), for alerts filled per site. */
  async displayNames(names: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const batch of chunks(names)) {
      for (const r of await this.receivers.findByNames(batch)) found.set(r.name, r.displayName || r.name);
    }
    return found;
  }

  /** A site connected: its connection record is opened (batched with others arriving together). */
  connectionOpened(receiverId: number, at: number, address: string | null, clientVersion: string | null): void {
    this.receivers.connectionOpened(receiverId, at, address, clientVersion);
  }

  /** The site's connection that began at `since` ended at `at`. */
  connectionClosed(receiverId: number, since: number, at: number, reason: string): void {
    this.receivers.connectionClosed(receiverId, since, at, reason);
  }

  /** Sites whose last connection record is still open. */
  openConnectionReceivers(): Promise<number[]> {
    return this.receivers.openConnectionReceivers();
  }

  closeOpenConnections(receiverIds: readonly number[], at: number, reason: string): Promise<number> {
    return this.receivers.closeOpen(receiverIds, at, reason);
  }

  /** `current`: with the latest last-seen time and version, for an answer that shows them. */
  private async require(rawName: string, options: { current?: boolean } = {}): Promise<ReceiverEntity> {
    const name = normalizeName(rawName);
    const receiver = await (options.current ? this.receivers.current(name) : this.receivers.findByName(name));
    if (!receiver) throw notFound(name);
    return receiver;
  }
}

interface ProvisionedRow {
  line: number;
  name: string;
  displayName?: string;
  details: SiteDetails;
  valid: boolean;
}

/** A refused bulk file: the message scripts read, and the report (line, column, what is wrong) the web app shows. */
export class BulkSitesRefused extends BadRequestException {
  constructor(readonly report: BulkSitesReport) {
    super(`nothing was created: ${report.errors.map((e) => e.message).join('; ')}`);
  }
}

/** A problem of one line; its English message names the column as the API's validation does. */
const problem = (line: number, field: SiteCsvColumn | null, { code, params }: SiteProblem): BulkSiteProblem => {
  const text = SITE_PROBLEM_TEXT[code](params);
  const named = field && !['invalidName', 'repeatedName', 'exists', 'repeatedColumn'].includes(code);
  return { line, field, code, params, message: `line ${line}: ${named ? `${field} ${text}` : text}` };
};

const CSV_COLUMN_OF: Record<SiteDetailField, SiteCsvColumn> = {
  postalAddress: 'address',
  phone: 'phone',
  region: 'region',
  tags: 'tags',
  notes: 'notes',
};

/** Header names accepted for each column, compared in lower case without spaces, `_` or `-` (Spanish too). */
const HEADER_ALIASES = new Map<string, SiteCsvColumn>([
  ...(['name', 'nombre', 'site', 'sitio'] as const).map((a) => [a, 'name'] as const),
  ...(['displayname', 'nombrevisible', 'nombremostrado'] as const).map((a) => [a, 'displayName'] as const),
  ...(['address', 'postaladdress', 'direccion', 'dirección'] as const).map((a) => [a, 'address'] as const),
  ...(['phone', 'telephone', 'telefono', 'teléfono'] as const).map((a) => [a, 'phone'] as const),
  ...(['region', 'región', 'zona'] as const).map((a) => [a, 'region'] as const),
  ...(['tags', 'etiquetas'] as const).map((a) => [a, 'tags'] as const),
  ...(['notes', 'notas'] as const).map((a) => [a, 'notes'] as const),
]);

type StoredDetails = Pick<ReceiverEntity, 'postalAddress' | 'phone' | 'region' | 'tags' | 'notes'>;
const EMPTY_DETAILS: StoredDetails = { postalAddress: null, phone: null, region: null, tags: [], notes: null };

/** The details given, as stored: an empty text is null; a field not given is left out. */
function storedDetails(details: SiteDetails): Partial<StoredDetails> {
  const stored: Partial<StoredDetails> = {};
  for (const field of SITE_DETAIL_FIELDS) {
    const value = details[field];
    if (value === undefined) continue;
    if (field === 'tags') stored.tags = value as string[];
    else stored[field] = (value as string) || null;
  }
  return stored;
}

/** The given details that differ from the current ones. */
function changedDetails(given: Partial<StoredDetails>, current: StoredDetails): Partial<StoredDetails> {
  const changed: Partial<StoredDetails> = {};
  for (const field of SITE_DETAIL_FIELDS) {
    if (!(field in given)) continue;
    const value = given[field];
    const same =
      field === 'tags'
        ? JSON.stringify(value) === JSON.stringify(current.tags ?? [])
        : (value ?? null) === (current[field] ?? null);
    if (!same) Object.assign(changed, { [field]: value });
  }
  return changed;
}

/** For the audit trail: each changed field with its new value (long notes cut). */
function auditedDetails(details: Partial<StoredDetails>): Record<string, unknown> {
  const audited: Record<string, unknown> = { ...details };
  if (typeof details.notes === 'string' && details.notes.length > 200)
    audited.notes = `${details.notes.slice(0, 200)}…`;
  return audited;
}

/** The details of a preview row: only those the file gives. */
function shownDetails(details: SiteDetails): SiteDetails {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => (Array.isArray(v) ? v.length : v)));
}

const notFound = (name: string) => apiError('site.not_found', { name });
