import { BadRequestException, Injectable } from '@nestjs/common';
import type {
  BulkSitesReport,
  ReceiverConnectionResponse,
  ReceiverResponse,
  ReceiverWithKeyResponse,
} from '@avisa/contracts';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { ReceiverHub } from '../fanout/receiver-hub';
import { NAME_PATTERN, normalizeName } from '@avisa/contracts';
import { CreateReceiverDto, UpdateReceiverDto, toConnectionResponse, toReceiverResponse } from './dto/receiver.dto';
import { ReceiverEntity } from './receiver.entity';
import { ReceiversRepository } from './receivers.repository';
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
  { ok: true; receiver: ReceiverEntity } | { ok: false; code: 'invalid_credentials' | 'disabled' };

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

  /** Every site, or for an operator restricted to some groups the sites of those groups. */
  async list(principal: Principal): Promise<ReceiverResponse[]> {
    const [all, online, visible] = await Promise.all([
      this.receivers.list(),
      this.hub.allPresence(),
      this.access.visibleSites(principal),
    ]);
    const byName = new Map(online.map((p) => [p.name, p]));
    return all.filter((r) => !visible || visible.has(r.name)).map((r) => toReceiverResponse(r, byName.get(r.name)));
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
    });
    await this.events.emit('receiver.created', { actor, target: receiver.name });
    return { ...toReceiverResponse(receiver, null), key };
  }

  async update(name: string, dto: UpdateReceiverDto, actor: Actor): Promise<ReceiverResponse> {
    const receiver = await this.require(name);
    const changes: Partial<ReceiverEntity> = {};
    if (dto.displayName !== undefined && dto.displayName !== receiver.displayName)
      changes.displayName = dto.displayName;
    if (dto.enabled !== undefined && dto.enabled !== receiver.enabled) changes.enabled = dto.enabled;
    if (Object.keys(changes).length) {
      await this.receivers.update(receiver.id, { ...changes, updatedAt: this.clock.now() });
      if (changes.enabled === false) await this.hub.disconnect(receiver.name, 'disabled');
      await this.events.emit('receiver.updated', { actor, target: receiver.name, details: { ...changes } });
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

  /**
   * CSV in: one site per line, `name[,display name]`, optional header. All or nothing.
   * CSV out: `name,key`, the only time those keys are shown.
   */
  /** What `provision` would create from this file, and every problem by line; creates nothing. */
  async previewProvisioning(csv: string): Promise<BulkSitesReport> {
    const { rows, problems } = await this.checkProvisioning(csv);
    return {
      sites: problems.length
        ? []
        : rows.map((r) => ({ line: r.line, name: r.name, displayName: r.displayName ?? r.name })),
      errors: problems.map((p) => ({ line: p.line, message: p.text })),
    };
  }

  async provision(csv: string, actor: Actor): Promise<string> {
    const { rows, problems } = await this.checkProvisioning(csv);
    if (problems.length) {
      const listed = problems.sort((a, b) => a.line - b.line).map((p) => p.text);
      throw new BadRequestException(`nothing was created: ${listed.join('; ')}`);
    }
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
      })),
    );
    await this.events.emit('receivers.provisioned', { actor, target: null, details: { count: created.length } });
    return stringify([['name', 'key'], ...created.map((r) => [r.name, r.key])]);
  }

  async authenticate(rawName: unknown, key: unknown): Promise<ReceiverAuthResult> {
    if (typeof rawName !== 'string' || typeof key !== 'string') return { ok: false, code: 'invalid_credentials' };
    const receiver = await this.receivers.findByName(normalizeName(rawName));
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
      problems.push({ line: r.line, text: `line ${r.line}: site "${r.name}" already exists` });
    }
    problems.sort((a, b) => a.line - b.line);
    return { rows, problems };
  }

  private parseProvisioning(csv: string): {
    rows: { line: number; name: string; displayName?: string; valid: boolean }[];
    problems: { line: number; text: string }[];
  } {
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
      throw apiError('site.csv_unreadable', { detail: (error as Error).message });
    }
    const records = /^(name|nombre)$/i.test(parsed[0]?.record[0] ?? '') ? parsed.slice(1) : parsed;
    if (!records.length) throw apiError('site.csv_empty');
    if (records.length > MAX_BULK) throw apiError('site.csv_too_many', { max: MAX_BULK });
    const problems: { line: number; text: string }[] = [];
    const seen = new Map<string, number>();
    const rows = records.map(({ record, info }) => {
      const line = info.lines;
      const name = normalizeName(record[0] ?? '');
      let valid = false;
      if (name.length < 2 || name.length > 64 || !NAME_PATTERN.test(name)) {
        problems.push({
          line,
          text: `line ${line}: "${record[0] ?? ''}" is not a valid site name (2-64 letters, digits, ".", "_", "-")`,
        });
      } else if (seen.has(name)) {
        problems.push({ line, text: `line ${line}: site "${name}" is already listed on line ${seen.get(name)}` });
      } else {
        seen.set(name, line);
        valid = true;
      }
      const displayName = record[1]?.slice(0, 128) || undefined;
      return { line, name, displayName, valid };
    });
    return { rows, problems };
  }

  private newKey(): string {
    return this.crypto.randomToken(RECEIVER_KEY_PREFIX);
  }

  /** Every enabled site, by name. */
  enabledSites(): Promise<{ id: number; name: string }[]> {
    return this.receivers.listEnabledNames();
  }

  async findSite(name: string): Promise<SiteRecord | null> {
    const receiver = await this.receivers.findByName(name);
    return receiver && { id: receiver.id, name: receiver.name, enabled: receiver.enabled };
  }

  async findSites(names: string[]): Promise<SiteRecord[]> {
    return (await this.receivers.findByNames(names)).map((r) => ({ id: r.id, name: r.name, enabled: r.enabled }));
  }

  /** A site connected: its connection record is opened (batched with others arriving together). */
  connectionOpened(receiverId: number, at: number, address: string | null, clientVersion: string | null): void {
    this.receivers.connectionOpened(receiverId, at, address, clientVersion);
  }

  connectionClosed(receiverId: number, at: number, reason: string): void {
    this.receivers.connectionClosed(receiverId, at, reason);
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

const notFound = (name: string) => apiError('site.not_found', { name });
