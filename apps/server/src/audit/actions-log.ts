import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import DailyRotateFile from 'winston-daily-rotate-file';
import { localDateTime } from '../common/local-time';
import { AppConfigService } from '../config/app-config.service';
import { escapeControl } from '../logging/log-line';

/** Account, site and token names as the server creates them; anything else came from a request as typed. */
const PLAIN_ACTOR = /^[a-z0-9._:-]+$/;
/** The formatted line a winston transport writes (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');
const WARN_EVERY_MS = 60_000;

/**
 * `acciones.log`: one line per audited action, `YYYY-MM-DD HH:mm:ss - user - action`, rotated daily.
 * The lines of one turn of the event loop go to the rotating file in one write, without a winston logger in between,
 * so the logger's stream pipeline and the rotator's date check are paid once per write, not once per line.
 * The file is a plain-text copy of the audit rows: when it cannot be written (a full disk) the server warns and goes on,
 * and opens it again for the next lines.
 */
@Injectable()
export class ActionsLog implements OnApplicationShutdown {
  private readonly logger = new Logger(ActionsLog.name);
  private readonly options: DailyRotateFile.DailyRotateFileTransportOptions;
  private file: DailyRotateFile | null;
  private pending: string[] = [];
  private closed = false;
  private warnedAt = -Infinity;
  private readonly link: string;

  constructor(config: AppConfigService) {
    this.options = {
      dirname: config.get('AVISA_LOG_DIR'),
      filename: 'acciones-%DATE%.log',
      datePattern: 'YYYY-MM-DD',
      maxFiles: `${config.get('AVISA_AUDIT_LOG_DAYS')}d`,
      createSymlink: true,
      symlinkName: 'acciones.log',
      auditFile: join(config.get('AVISA_LOG_DIR'), '.acciones-audit.json'),
      eol: '\n',
    };
    this.link = join(config.get('AVISA_LOG_DIR'), 'acciones.log');
    this.file = this.open();
  }

  /**
   * An actor that is not a plain name (an attempted login name) is quoted, so it cannot pass for the "user" field.
   * Once the file is closed at shutdown a late action is kept only in its audit row: the stream cannot take it.
   */
  write(at: number, actor: string, action: string): void {
    if (this.closed) return;
    const who = PLAIN_ACTOR.test(actor) ? actor : JSON.stringify(actor);
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push(`${localDateTime(at)} - ${escapeControl(`${who} - ${action}`)}`);
  }

  /**
   * Resolves once every line is in the file: the transport says `finish` when its file stream has ended. A stream
   * that cannot end (a full disk) holds the stop for two seconds at most.
   */
  onApplicationShutdown(): Promise<void> {
    this.flush();
    this.closed = true;
    const file = this.file;
    if (!file) return Promise.resolve();
    return new Promise((resolve) => {
      file.once('finish', () => resolve());
      setTimeout(resolve, 2_000).unref();
      file.close?.();
    });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    let lines = this.pending.join('\n');
    this.pending = [];
    if (!this.file) {
      this.file = this.open();
      // A write cut short by a full disk leaves part of a line; the next action starts a line of its own.
      if (this.file && this.endsMidLine()) lines = `\n${lines}`;
    }
    const file = this.file;
    try {
      file?.log?.({ level: 'info', message: lines, [MESSAGE]: lines }, () => undefined);
    } catch (error) {
      this.failed(file, error);
    }
  }

  private open(): DailyRotateFile | null {
    try {
      const file = new DailyRotateFile(this.options);
      // The rotator's stream reports a failed write, and the transport does not pass it on: unheard, it would end
      // the process.
      (file as unknown as { logStream: EventEmitter }).logStream.on('error', (error) => this.failed(file, error));
      return file;
    } catch (error) {
      this.failed(null, error);
      return null;
    }
  }

  private endsMidLine(): boolean {
    let fd: number | undefined;
    try {
      fd = openSync(this.link, 'r');
      const { size } = fstatSync(fd);
      const last = Buffer.alloc(1);
      return size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    } catch {
      return false;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  private failed(file: DailyRotateFile | null, error: unknown): void {
    if (file && file === this.file) this.file = null;
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    this.logger.warn(`acciones.log cannot be written (${why}); the audit rows in the database keep every action`);
  }
}
