import { Injectable, Logger } from '@nestjs/common';
import { AUDIT_CSV_COLUMNS, AUDIT_EXPORT_MAX_ROWS, type AuditLastReadResponse, type AuditPage } from '@avisa/contracts';
import { stringify } from 'csv-stringify/sync';
import { Actor } from '../common/actor';
import { neutralizeFormula } from '../common/csv-cells';
import { rangeEnd, rangeStart } from '../common/date-range';
import { localDate } from '../common/local-time';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { toIso } from '../database/columns';
import type { Companion } from '../database/write-batcher';
import { ActionsLog } from './actions-log';
import { AuditEventEntity } from './audit-event.entity';
import { AuditCriteria, AuditRepository } from './audit.repository';
import { AuditExportQueryDto, AuditQueryDto } from './dto/audit-query.dto';
import { toAuditEventResponse } from './dto/audit-event.response';
import { apiError, fieldError } from '../common/http/api-error';

export interface AuditEntry {
  actor: Actor;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

const SECRET_KEY = /pass(word)?|secret|token|key|hash/i;

/** Drops anything that looks like a secret, so no password or token reaches the trail or a log. */
export function redact(details: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (SECRET_KEY.test(key)) continue;
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) ? redact(value as Record<string, unknown>) : value;
  }
  return out;
}

/** The line of `acciones.log`; `redacted` is the entry's details already redacted and written as JSON. */
export function describeAction(entry: AuditEntry, redacted = JSON.stringify(redact(entry.details))): string {
  const parts = [entry.action];
  if (entry.target) parts.push(entry.target);
  if (redacted !== '{}') parts.push(redacted);
  if (entry.actor.ip) parts.push(`[${entry.actor.ip}]`);
  return parts.join(' ');
}

/** An audit entry to be written in another write's transaction (see AuditService.along). */
export interface AuditCompanion extends Companion {
  committed(): void;
}

export interface AuditExport {
  fileName: string;
  csv: string;
}

function csvRow(event: AuditEventEntity): string[] {
  const cells = [
    String(event.id),
    new Date(event.at).toISOString(),
    event.actorKind,
    event.actorName,
    event.action,
    event.target ?? '',
    event.ip ?? '',
    event.details,
  ];
  return cells.map(neutralizeFormula);
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly repository: AuditRepository,
    private readonly actionsLog: ActionsLog,
    private readonly clock: Clock,
    private readonly events: EventBus,
  ) {}

  /** Stored before the action is answered; actions that happen together share one commit. */
  async record(entry: AuditEntry): Promise<void> {
    const row = this.rowOf(entry);
    await this.repository.add(row);
    this.written(entry, row);
  }

  /**
   * The entry of an action whose own rows are about to be written: `write` stores it in their transaction (a
   * Companion of their batch, failing with them), so the action and its entry take one commit; `committed` writes its
   * acciones.log line once they are.
   */
  along(entry: AuditEntry): AuditCompanion {
    const row = this.rowOf(entry);
    return {
      write: (manager) => this.repository.insertIn(manager, [row]),
      committed: () => this.written(entry, row),
    };
  }

  private rowOf(entry: AuditEntry): Omit<AuditEventEntity, 'id'> {
    return {
      at: this.clock.now(),
      actorKind: entry.actor.kind,
      actorName: entry.actor.name,
      action: entry.action,
      target: entry.target ?? null,
      ip: entry.actor.ip,
      details: JSON.stringify(redact(entry.details)),
    };
  }

  private written(entry: AuditEntry, row: Omit<AuditEventEntity, 'id'>): void {
    this.actionsLog.write(row.at, entry.actor.name, describeAction(entry, row.details));
    this.logger.debug(`audit ${entry.action} by ${entry.actor.name}`);
  }

  async search(userId: number, query: AuditQueryDto): Promise<AuditPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { items, total } = await this.repository.search({
      ...this.criteria(query),
      offset: (page - 1) * pageSize,
      limit: pageSize,
    });
    const marker = await this.repository.findMarker(userId);
    return { items: items.map(toAuditEventResponse), total, page, pageSize, lastReadId: marker?.lastReadId ?? null };
  }

  /** The matching events as CSV, newest first; the export is itself audited, after the rows are read. */
  async export(query: AuditExportQueryDto, actor: Actor): Promise<AuditExport> {
    const found = await this.repository.newest(this.criteria(query), AUDIT_EXPORT_MAX_ROWS + 1);
    const events = found.slice(0, AUDIT_EXPORT_MAX_ROWS);
    const csv = stringify([[...AUDIT_CSV_COLUMNS], ...events.map(csvRow)]);
    const filters = Object.fromEntries(
      Object.entries({ from: query.from, to: query.to, user: query.user, q: query.q }).filter(([, v]) => v),
    );
    await this.events.emit('audit.exported', {
      actor,
      details: { filters, rows: events.length, truncated: found.length > events.length },
    });
    return { fileName: `avisa-auditoria-${localDate(this.clock.now())}.csv`, csv };
  }

  async getLastRead(userId: number): Promise<AuditLastReadResponse> {
    const marker = await this.repository.findMarker(userId);
    return { lastReadId: marker?.lastReadId ?? null, updatedAt: toIso(marker?.updatedAt ?? null) };
  }

  async setLastRead(userId: number, lastReadId: number): Promise<AuditLastReadResponse> {
    const max = await this.repository.maxId();
    if (lastReadId > max) {
      throw fieldError('lastReadId', 'audit.last_read_beyond', { lastReadId, max });
    }
    const updatedAt = this.clock.now();
    await this.repository.saveMarker({ userId, lastReadId, updatedAt });
    return { lastReadId, updatedAt: toIso(updatedAt) };
  }

  private criteria(query: AuditExportQueryDto): AuditCriteria {
    const from = query.from ? rangeStart(query.from) : undefined;
    const to = query.to ? rangeEnd(query.to) : undefined;
    if (from !== undefined && to !== undefined && from > to) {
      throw apiError('validation.range_inverted');
    }
    return { from, to, user: query.user, text: query.q };
  }
}
