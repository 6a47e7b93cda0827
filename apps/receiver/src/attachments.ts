import { type AlertAttachment, type AlertPayload, attachmentPath } from '@avisa/contracts';
import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DownloadError, downloadAttachment, HttpGet } from './attachment-download';
import { safeSegment, sanitizeAttachmentName, uniqueName } from './attachment-name';
import { readJson, setAside, writeJsonAtomic } from './atomic-file';
import { Clock } from './clock';
import { Logger } from './logger';

export const ATTACHMENTS_DIR = 'attachments';
export const ATTACHMENTS_STATE_FILE = 'attachments.json';
/** Cut downloads wait here, out of the alerts' folders that a person may open. */
const PARTIAL_DIR = '.partial';
/** Tries without anyone asking: the first, then one at each new connection. Opening it always tries again. */
export const MAX_AUTOMATIC_ATTEMPTS = 5;
const DEADLINE_MS = 10 * 60_000;
export const ATTACHMENT_LIMITS = { keepMs: 30 * 86_400_000, maxRecords: 1000 };
/** Lines `status` shows, newest alert first. */
const STATUS_LINES = 10;

export type AttachmentState = 'waiting' | 'downloading' | 'downloaded' | 'deleted' | 'failed';

/** One attachment as `status` shows it. */
export interface AttachmentStatus {
  alertId: string;
  name: string;
  path: string;
  state: AttachmentState;
  reason: string | null;
}

interface AttachmentRecord {
  alertId: string;
  file: AlertAttachment;
  /** Its name on this PC: sanitized, and unique in the alert's folder. */
  localName: string;
  state: 'waiting' | 'downloaded' | 'failed';
  reason: string | null;
  retryable: boolean;
  attempts: number;
  addedAt: number;
  updatedAt: number;
}

export interface AttachmentDownloadsDeps {
  dataDir: string;
  /** Read at every download, so a new server address or key applies at once. */
  site(): { serverUrl: string; name: string; key: string; ca: string };
  /** Opens a file or folder with the system's default program. */
  openPath(path: string): Promise<void>;
  clock: Clock;
  logger: Logger;
  onChange?(attachments: AttachmentStatus[]): void;
  http?: HttpGet;
  deadlineMs?: number;
}

const keyOf = (r: Pick<AttachmentRecord, 'alertId' | 'file'>) => `${r.alertId}/${r.file.id}`;
const DEADLINE = Symbol('deadline');

/**
 * The files attached to the alerts this site received: fetched one at a time, in the background, into
 * `<dataDir>/attachments/<alert id>/<name>`, checked against the alert's size and SHA-256, and opened when a person
 * asks. What was fetched is recorded in `<dataDir>/attachments.json`, so nothing verified is fetched twice and a
 * failure is tried again at the next connection, a bounded number of times.
 */
export class AttachmentDownloads {
  private readonly queue: string[] = [];
  private readonly waiters = new Map<string, (() => void)[]>();
  private current: { key: string; abort: AbortController } | null = null;
  private pumping: Promise<void> | null = null;
  private stopped = false;

  private constructor(
    private readonly deps: AttachmentDownloadsDeps,
    private records: AttachmentRecord[],
  ) {}

  static open(deps: AttachmentDownloadsDeps): AttachmentDownloads {
    const path = join(deps.dataDir, ATTACHMENTS_STATE_FILE);
    const read = readJson(path);
    let records: AttachmentRecord[] = [];
    if (read.kind === 'corrupt') {
      deps.logger.warn(`${path} is unreadable (${read.error}); moved to ${setAside(path, deps.clock.now())}`);
    } else if (read.kind === 'ok' && Array.isArray(read.data)) {
      records = read.data.filter(isRecord);
    }
    const downloads = new AttachmentDownloads(deps, records);
    if (downloads.prune() > 0) downloads.save();
    return downloads;
  }

  get root(): string {
    return join(this.deps.dataDir, ATTACHMENTS_DIR);
  }

  folderOf(alertId: string): string {
    return join(this.root, safeSegment(alertId));
  }

  /** A new alert (or one heard again): its attachments not known yet are fetched, after what is already waiting. */
  add(alert: AlertPayload): void {
    const files = alert.attachments ?? [];
    const known = new Set(this.records.map(keyOf));
    const fresh = files.filter((file) => !known.has(keyOf({ alertId: alert.id, file })));
    if (fresh.length === 0) return;
    const now = this.deps.clock.now();
    const taken = new Set(this.records.filter((r) => r.alertId === alert.id).map((r) => r.localName));
    for (const file of fresh) {
      const localName = uniqueName(sanitizeAttachmentName(file.name, file.id), taken);
      taken.add(localName);
      const record: AttachmentRecord = {
        alertId: alert.id,
        file,
        localName,
        state: 'waiting',
        reason: null,
        retryable: true,
        attempts: 0,
        addedAt: now,
        updatedAt: now,
      };
      this.records.push(record);
      this.queue.push(keyOf(record));
    }
    this.prune();
    this.save();
    const names = fresh.map((f) => `${f.name} (${f.size} bytes)`).join(', ');
    this.deps.logger.info(`Alert ${alert.id} has ${fresh.length} attachment(s) to download: ${names}`);
    this.changed();
    // After the alert's notification and receipt are on their way.
    setImmediate(() => this.pump());
  }

  /** Connected: what is waiting is fetched, and what failed is tried again unless tried enough or hopeless. */
  retry(): void {
    for (const record of this.records) {
      const again = record.state === 'failed' && record.retryable && record.attempts < MAX_AUTOMATIC_ATTEMPTS;
      if (again) record.state = 'waiting';
      if (record.state === 'waiting') this.enqueue(keyOf(record), false);
    }
    this.changed();
    this.pump();
  }

  /**
   * A person asked to open the alert's attachments: what is not on disk verified is fetched first (whatever failed
   * before); then the file, or the alert's folder when it has several, opens with the default program.
   */
  async openFiles(alertId: string): Promise<void> {
    const { logger } = this.deps;
    const records = await this.fetchNow(alertId);
    if (records.length === 0) {
      logger.warn(`Alert ${alertId}: no attachment is known for it; nothing to open`);
      return;
    }
    const ready = records.filter((r) => r.state === 'downloaded' && existsSync(this.pathOf(r)));
    if (ready.length === 0) {
      const why = records.map((r) => `${r.file.name}: ${r.reason ?? 'not downloaded'}`).join('; ');
      logger.error(`Could not open the attachment of alert ${alertId}: ${why}`);
      return;
    }
    const target = records.length === 1 ? this.pathOf(ready[0]) : this.folderOf(alertId);
    try {
      await this.deps.openPath(target);
      logger.info(`Opened ${target} with the default program`);
    } catch (error) {
      logger.error(`Could not open ${target}: ${(error as Error).message}`);
    }
  }

  /** The alert was retracted: nothing more is fetched for it, and what was is removed. */
  forget(alertId: string): void {
    const mine = this.records.filter((r) => r.alertId === alertId);
    if (mine.length === 0) return;
    if (this.current?.key.startsWith(`${alertId}/`)) this.current.abort.abort();
    this.records = this.records.filter((r) => r.alertId !== alertId);
    for (const record of mine) this.settle(keyOf(record));
    this.save();
    try {
      rmSync(this.folderOf(alertId), { recursive: true, force: true });
      for (const record of mine) rmSync(this.partPathOf(record), { force: true });
      this.deps.logger.info(`Alert ${alertId} was retracted; its attachments were removed from this PC`);
    } catch (error) {
      this.deps.logger.warn(
        `Alert ${alertId} was retracted; could not remove its attachments: ${(error as Error).message}`,
      );
    }
    this.changed();
  }

  /** Stops the download under way (its part stays, to resume at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort.abort();
    await this.pumping;
    for (const key of [...this.waiters.keys()]) this.settle(key);
  }

  status(): AttachmentStatus[] {
    return [...this.records]
      .sort((a, b) => b.addedAt - a.addedAt)
      .slice(0, STATUS_LINES)
      .map((record) => {
        const path = this.pathOf(record);
        let state: AttachmentState = record.state;
        let reason = record.reason;
        if (this.current?.key === keyOf(record)) state = 'downloading';
        else if (state === 'downloaded' && !existsSync(path)) {
          state = 'deleted';
          reason = 'deleted from this PC since; opening it downloads it again';
        }
        return { alertId: record.alertId, name: record.file.name, path, state, reason };
      });
  }

  pathOf(record: Pick<AttachmentRecord, 'alertId' | 'localName'>): string {
    return join(this.folderOf(record.alertId), record.localName);
  }

  private partPathOf(record: Pick<AttachmentRecord, 'alertId' | 'file'>): string {
    return join(this.root, PARTIAL_DIR, `${safeSegment(record.alertId)}-${safeSegment(record.file.id)}.part`);
  }

  private async fetchNow(alertId: string): Promise<AttachmentRecord[]> {
    if (this.stopped) return this.records.filter((r) => r.alertId === alertId);
    const pending: Promise<void>[] = [];
    for (const record of this.records.filter((r) => r.alertId === alertId).reverse()) {
      if (record.state === 'downloaded' && existsSync(this.pathOf(record))) continue;
      const key = keyOf(record);
      if (this.current?.key !== key) {
        record.state = 'waiting';
        this.enqueue(key, true);
      }
      pending.push(new Promise((done) => this.waiters.set(key, [...(this.waiters.get(key) ?? []), done])));
    }
    if (pending.length > 0) {
      this.changed();
      this.pump();
      await Promise.all(pending);
    }
    return this.records.filter((r) => r.alertId === alertId);
  }

  private enqueue(key: string, first: boolean): void {
    const at = this.queue.indexOf(key);
    if (at >= 0) {
      if (!first) return;
      this.queue.splice(at, 1);
    }
    if (first) this.queue.unshift(key);
    else this.queue.push(key);
  }

  private pump(): void {
    if (this.pumping || this.stopped || this.queue.length === 0) return;
    const run = async () => {
      for (let key = this.queue.shift(); key !== undefined && !this.stopped; key = this.queue.shift()) {
        const record = this.records.find((r) => keyOf(r) === key);
        try {
          if (record?.state === 'waiting') await this.download(record);
        } catch (error) {
          this.deps.logger.error(`Could not record the download of ${key}: ${(error as Error).message}`);
        }
        this.settle(key);
      }
    };
    this.pumping = run().finally(() => (this.pumping = null));
  }

  private async download(record: AttachmentRecord): Promise<void> {
    const { logger, clock } = this.deps;
    const key = keyOf(record);
    const abort = new AbortController();
    const deadlineMs = this.deps.deadlineMs ?? DEADLINE_MS;
    const timer = setTimeout(() => abort.abort(DEADLINE), deadlineMs);
    this.current = { key, abort };
    this.changed();
    const site = this.deps.site();
    const target = this.pathOf(record);
    try {
      record.attempts += 1;
      const from = await downloadAttachment(
        {
          url: new URL(attachmentPath(record.alertId, record.file.id), site.serverUrl).toString(),
          site,
          file: record.file,
          partPath: this.partPathOf(record),
          target,
          signal: abort.signal,
        },
        this.deps.http,
      );
      record.state = 'downloaded';
      record.reason = null;
      logger.info(`Attachment saved: ${target}${from > 0 ? ` (resumed at byte ${from})` : ''}`);
    } catch (error) {
      if (abort.signal.aborted && abort.signal.reason !== DEADLINE) {
        record.attempts -= 1;
        if (!this.records.includes(record)) rmSync(this.partPathOf(record), { force: true });
        return;
      }
      const reason =
        abort.signal.reason === DEADLINE
          ? `it took longer than ${duration(deadlineMs)}; it resumes from there`
          : error instanceof DownloadError
            ? error.message
            : `it could not be saved: ${(error as Error).message}`;
      record.state = 'failed';
      record.reason = reason;
      record.retryable = !(error instanceof DownloadError) || error.retryable;
      const next = !record.retryable
        ? 'it will not be tried again'
        : record.attempts < MAX_AUTOMATIC_ATTEMPTS
          ? 'it will be tried again at the next connection'
          : `given up after ${record.attempts} attempts; opening it from the notification tries again`;
      logger.error(
        `Attachment "${record.file.name}" of alert ${record.alertId} was not downloaded: ${reason}; ${next}`,
      );
    } finally {
      clearTimeout(timer);
      this.current = null;
      record.updatedAt = clock.now();
      if (this.records.includes(record)) this.save();
      this.changed();
    }
  }

  private settle(key: string): void {
    const waiting = this.waiters.get(key);
    this.waiters.delete(key);
    for (const done of waiting ?? []) done();
  }

  /** Records (and their files) older than the limit go; so do the oldest beyond the count. */
  private prune(): number {
    const horizon = this.deps.clock.now() - ATTACHMENT_LIMITS.keepMs;
    const newest = [...this.records].sort((a, b) => b.addedAt - a.addedAt);
    const kept = new Set(newest.filter((r) => r.addedAt >= horizon).slice(0, ATTACHMENT_LIMITS.maxRecords));
    const dropped = this.records.filter((r) => !kept.has(r) && this.current?.key !== keyOf(r));
    if (dropped.length === 0) return 0;
    this.records = this.records.filter((r) => !dropped.includes(r));
    for (const record of dropped) {
      try {
        rmSync(this.pathOf(record), { force: true });
        rmSync(this.partPathOf(record), { force: true });
        if (!this.records.some((r) => r.alertId === record.alertId)) rmdirSync(this.folderOf(record.alertId));
      } catch {
        // A folder a person put other files in, or a file open in a program: left where it is.
      }
    }
    this.deps.logger.info(`Removed ${dropped.length} old attachment(s) from this PC`);
    return dropped.length;
  }

  private save(): void {
    writeJsonAtomic(join(this.deps.dataDir, ATTACHMENTS_STATE_FILE), this.records);
  }

  private changed(): void {
    this.deps.onChange?.(this.status());
  }
}

export function isAttachment(value: unknown): value is AlertAttachment {
  const v = value as Partial<AlertAttachment> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    v.id.length <= 200 &&
    typeof v.name === 'string' &&
    v.name.length <= 1000 &&
    typeof v.size === 'number' &&
    Number.isSafeInteger(v.size) &&
    v.size >= 0 &&
    typeof v.mime === 'string' &&
    typeof v.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(v.sha256)
  );
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

function isRecord(value: unknown): value is AttachmentRecord {
  const v = value as Partial<AttachmentRecord> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.alertId === 'string' &&
    isAttachment(v.file) &&
    typeof v.localName === 'string' &&
    v.localName === sanitizeAttachmentName(v.localName, v.file.id) &&
    (v.state === 'waiting' || v.state === 'downloaded' || v.state === 'failed') &&
    (v.reason === null || typeof v.reason === 'string') &&
    typeof v.retryable === 'boolean' &&
    typeof v.attempts === 'number' &&
    typeof v.addedAt === 'number' &&
    typeof v.updatedAt === 'number'
  );
}
