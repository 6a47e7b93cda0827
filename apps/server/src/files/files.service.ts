import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  isDownloadable,
  type AlertAttachment,
  type FieldProblem,
  type FileResponse,
  type FileState,
} from '@avisa/contracts';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Actor, Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { JobRunner } from '../cluster/job-runner';
import { AppConfigService } from '../config/app-config.service';
import { FieldValidationException } from '../common/http/validation';
import type { ServedFile } from './attachment-response';
import { ClamdClient, ScannerUnavailableError, type ScanVerdict } from './clamd-client';
import { decodeUploadName, judgeContent, nameForType, sanitizeFileName, sha256Of } from './file-content';
import { FileEntity } from './file.entity';
import { FilesRepository } from './files.repository';
import { apiError, fieldProblem } from '../common/http/api-error';

/** What multer stored: already in the quarantine folder under its server-made id. */
export interface ReceivedUpload {
  id: string;
  path: string;
  originalName: string;
  size: number;
}

const MB = 1024 * 1024;

/**
 * Shared files: every upload lands in `quarantine/` under an id the server made, is judged by its content, then
 * scanned; only a clean file (or one an admin released, with a reason) moves to `released/`, the one folder
 * downloads read from.
 */
@Injectable()
export class FilesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(FilesService.name);
  private readonly scanner: ClamdClient | null;
  private scans: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();

  constructor(
    private readonly files: FilesRepository,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
    private readonly config: AppConfigService,
  ) {
    const timeoutMs = config.get('AVISA_CLAMD_TIMEOUT_SECONDS') * 1000;
    const socket = config.get('AVISA_CLAMD_SOCKET');
    const host = config.get('AVISA_CLAMD_HOST');
    this.scanner = socket
      ? new ClamdClient({ path: socket }, timeoutMs)
      : host
        ? new ClamdClient({ host, port: config.get('AVISA_CLAMD_PORT') }, timeoutMs)
        : null;
  }

  get quarantineDir(): string {
    return join(this.config.filesDir, 'quarantine');
  }

  get releasedDir(): string {
    return join(this.config.filesDir, 'released');
  }

  async onApplicationBootstrap(): Promise<void> {
    await mkdir(this.quarantineDir, { recursive: true, mode: 0o700 });
    await mkdir(this.releasedDir, { recursive: true, mode: 0o700 });
    if (!this.scanner) {
      this.logger.warn(
        'no virus scanner configured (AVISA_CLAMD_SOCKET or AVISA_CLAMD_HOST): uploads wait for an admin',
      );
      return;
    }
    this.jobs.every('file-rescan', this.config.get('AVISA_FILES_RESCAN_SECONDS') * 1000, () => this.rescanWaiting());
  }

  async list(principal: Principal): Promise<FileResponse[]> {
    const scope = isAdmin(principal) ? 'all' : { uploaderId: principal.kind === 'user' ? principal.userId : null };
    return (await this.files.list(scope)).map(toFileResponse);
  }

  async get(id: string, principal: Principal): Promise<FileResponse> {
    return toFileResponse(await this.requireVisible(id, principal));
  }

  /** Judges and records an upload multer has stored; refused ones are removed before the answer. */
  async accept(upload: ReceivedUpload, principal: Principal, actor: Actor): Promise<FileResponse> {
    try {
      const name = sanitizeFileName(decodeUploadName(upload.originalName));
      if (principal.kind === 'user') {
        const quota = this.config.get('AVISA_FILES_QUOTA_MB') * MB;
        const used = await this.files.bytesOf(principal.userId);
        if (used + upload.size > quota) {
          throw apiError('file.over_quota', { used: mb(used + upload.size), quota: mb(quota) });
        }
      }
      const content = await judgeContent(upload.path, name);
      if (!content.allowed) {
        await this.events.emit('file.refused', { actor, target: name, details: { reason: content.reason } });
        throw apiError('file.type_refused', { detail: content.reason });
      }
      await fsyncFile(upload.path);
      const file: FileEntity = {
        id: upload.id,
        name: nameForType(name, content.ext),
        size: upload.size,
        mime: content.mime,
        sha256: await sha256Of(upload.path),
        state: 'quarantined',
        reason: this.scanner ? 'waiting for the virus scanner' : 'no virus scanner is configured: an admin reviews it',
        uploaderId: principal.kind === 'user' ? principal.userId : null,
        uploaderName: actor.name,
        createdAt: this.clock.now(),
        scannedAt: null,
        releasedBy: null,
        releasedAt: null,
        releaseReason: null,
      };
      await this.files.insert(file);
      await this.events.emit('file.uploaded', {
        actor,
        target: `file ${file.id} ${file.name}`,
        details: { size: file.size, type: file.mime },
        file: toFileResponse(file),
      });
      this.queueScan(file.id);
      return toFileResponse(file);
    } catch (error) {
      await rm(upload.path, { force: true });
      throw error;
    }
  }

  async release(id: string, reason: string, actor: Actor): Promise<FileResponse> {
    const file = await this.requireFile(id);
    if (isDownloadable(toFileResponse(file))) return toFileResponse(file);
    if (file.state === 'infected') {
      throw apiError('file.infected', { reason: file.reason ?? 'virus found' });
    }
    if (file.state === 'scanning') throw apiError('file.scanning');
    await rename(join(this.quarantineDir, id), join(this.releasedDir, id));
    await this.files.update(id, { releasedBy: actor.name, releasedAt: this.clock.now(), releaseReason: reason });
    const released = (await this.files.find(id))!;
    await this.events.emit('file.released', {
      actor,
      target: `file ${id} ${file.name}`,
      details: { state: file.state, why: reason },
      file: toFileResponse(released),
      uploaderId: released.uploaderId,
    });
    return toFileResponse(released);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    const file = await this.requireFile(id);
    await this.files.delete(id);
    await Promise.all([
      rm(join(this.quarantineDir, id), { force: true }),
      rm(join(this.releasedDir, id), { force: true }),
    ]);
    await this.events.emit('file.deleted', {
      actor,
      target: `file ${id} ${file.name}`,
      details: { state: file.state },
      fileId: id,
    });
  }

  /** The released file's path and what to send with it; audited as a download by whom. */
  async download(id: string, principal: Principal, actor: Actor): Promise<{ path: string; file: FileEntity }> {
    const file = await this.requireVisible(id, principal);
    if (!isDownloadable(toFileResponse(file))) {
      throw apiError('file.not_downloadable', { state: file.state });
    }
    await this.events.emit('file.downloaded', { actor, target: `file ${id} ${file.name}`, details: {} });
    return { path: join(this.releasedDir, id), file };
  }

  /**
   * What sites need to fetch and check each attached file; every id must be a file that is clean or released, else
   * 400 naming each one.
   */
  async attachable(ids: readonly string[]): Promise<AlertAttachment[]> {
    const problems: FieldProblem[] = [];
    const found: AlertAttachment[] = [];
    for (const [i, id] of [...new Set(ids)].entries()) {
      const file = await this.files.find(id);
      if (!file)
        problems.push(fieldProblem('attachments', 'file.attachment_missing', { field: `attachments[${i}]`, id }));
      else if (!isDownloadable(toFileResponse(file))) {
        const field = `attachments[${i}]`;
        problems.push(
          fieldProblem('attachments', 'file.attachment_not_ready', { field, name: file.name, state: file.state }),
        );
      } else found.push({ id, name: file.name, size: file.size, mime: file.mime, sha256: file.sha256 });
    }
    if (problems.length) throw new FieldValidationException(problems);
    return found;
  }

  /** A downloadable file for a site that received it attached to an alert (the caller checked that); audited. */
  async openForSite(id: string, actor: Actor): Promise<ServedFile | null> {
    const file = await this.files.find(id);
    if (!file || !isDownloadable(toFileResponse(file))) return null;
    await this.events.emit('file.downloaded', { actor, target: `file ${id} ${file.name}`, details: {} });
    return { path: join(this.releasedDir, id), name: file.name, mime: file.mime, sha256: file.sha256 };
  }

  /** Queues the files that wait for a scanner; the scanner may have come back. */
  async rescanWaiting(): Promise<void> {
    if (!this.scanner || !(await this.scanner.ping())) return;
    const stuckBefore = this.clock.now() - 2 * this.config.get('AVISA_CLAMD_TIMEOUT_SECONDS') * 1000;
    for (const file of await this.files.waitingForScan(stuckBefore)) this.queueScan(file.id);
    await this.scans;
  }

  /** One scan at a time: clamd is given one stream, never a crowd of them. */
  private queueScan(id: string): void {
    if (!this.scanner || this.queued.has(id)) return;
    this.queued.add(id);
    this.scans = this.scans
      .then(() => this.scan(id))
      .catch((error: unknown) => this.logger.error(`scanning file ${id} failed: ${String(error)}`))
      .finally(() => this.queued.delete(id));
  }

  private async scan(id: string): Promise<void> {
    const file = await this.files.find(id);
    if (!file || !this.scanner || file.releasedAt !== null) return;
    await this.files.update(id, { state: 'scanning', reason: null });
    let verdict: ScanVerdict;
    try {
      verdict = await this.scanner.scan(createReadStream(join(this.quarantineDir, id)));
    } catch (error) {
      if (!(error instanceof ScannerUnavailableError)) throw error;
      await this.settle(file, 'scanner_unavailable', error.message);
      return;
    }
    if (verdict.verdict === 'clean') {
      await rename(join(this.quarantineDir, id), join(this.releasedDir, id));
      await this.settle(file, 'clean', null);
    } else if (verdict.verdict === 'infected') {
      await this.settle(file, 'infected', verdict.signature);
    } else {
      await this.settle(file, 'unscannable', verdict.reason);
    }
  }

  private async settle(file: FileEntity, state: FileState, reason: string | null): Promise<void> {
    const scannedAt = state === 'scanner_unavailable' ? null : this.clock.now();
    await this.files.update(file.id, { state, reason, scannedAt });
    await this.events.emit('file.scanned', {
      actor: { kind: 'system', id: null, name: 'scanner', ip: null },
      target: `file ${file.id} ${file.name}`,
      details: { state, why: reason },
      file: toFileResponse({ ...file, state, reason, scannedAt }),
      uploaderId: file.uploaderId,
    });
  }

  private async requireFile(id: string): Promise<FileEntity> {
    const file = /^[0-9a-f-]{36}$/.test(id) ? await this.files.find(id) : null;
    if (!file) throw apiError('file.not_found', { id });
    return file;
  }

  /** Admins see every file; others a downloadable one or their own upload; anything else does not exist for them. */
  private async requireVisible(id: string, principal: Principal): Promise<FileEntity> {
    const file = await this.requireFile(id);
    const own = principal.kind === 'user' && file.uploaderId === principal.userId;
    if (isAdmin(principal) || own || isDownloadable(toFileResponse(file))) return file;
    throw apiError('file.not_found', { id });
  }
}

const isAdmin = (principal: Principal) => principal.kind === 'user' && principal.role === 'admin';
const mb = (bytes: number) => Math.ceil(bytes / MB);

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function toFileResponse(file: FileEntity): FileResponse {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const response: FileResponse = {
    id: file.id,
    name: file.name,
    size: file.size,
    mime: file.mime,
    sha256: file.sha256,
    state: file.state,
    reason: file.reason,
    uploadedBy: file.uploaderName,
    createdAt: new Date(file.createdAt).toISOString(),
    scannedAt: iso(file.scannedAt),
    releasedBy: file.releasedBy,
    releasedAt: iso(file.releasedAt),
    releaseReason: file.releaseReason,
    downloadable: false,
  };
  response.downloadable = isDownloadable(response);
  return response;
}
