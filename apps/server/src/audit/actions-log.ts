import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { localDateTime } from '../common/local-time';
import { AppConfigService } from '../config/app-config.service';
import { DailyFile } from '../logging/daily-file';
import { escapeControl } from '../logging/log-line';

/** Account, site and token names as the server creates them; anything else came from a request as typed. */
const PLAIN_ACTOR = /^[a-z0-9._:-]+$/;
const WARN_EVERY_MS = 60_000;

/**
 * `acciones.log`: one line per audited action, `YYYY-MM-DD HH:mm:ss - user - action`, in a file per day.
 * The lines of one turn of the event loop are appended in one synchronous write (`DailyFile`).
 * The file is a plain-text copy of the audit rows: when it cannot be written (a full disk) the server warns and goes on,
 * and tries again with the next lines.
 */
@Injectable()
export class ActionsLog implements OnApplicationShutdown {
  private readonly logger = new Logger(ActionsLog.name);
  private readonly file: DailyFile;
  private pending: string[] = [];
  /** When the first waiting line was recorded: the lines go to that day's file. */
  private pendingAt = 0;
  private closed = false;
  private warnedAt = -Infinity;

  constructor(config: AppConfigService) {
    const dir = config.get('AVISA_LOG_DIR');
    this.file = new DailyFile(dir, 'acciones', config.get('AVISA_AUDIT_LOG_DAYS'));
    // The rotation record of winston-daily-rotate-file, which wrote this log before DailyFile; nothing reads it now.
    rmSync(join(dir, '.acciones-audit.json'), { force: true });
  }

  /**
   * An actor that is not a plain name (an attempted login name) is quoted, so it cannot pass for the "user" field.
   * Once the file is closed at shutdown a late action is kept only in its audit row.
   */
  write(at: number, actor: string, action: string): void {
    if (this.closed) return;
    const who = PLAIN_ACTOR.test(actor) ? actor : JSON.stringify(actor);
    if (this.pending.length === 0) {
      this.pendingAt = at;
      setImmediate(() => this.flush());
    }
    this.pending.push(`${localDateTime(at)} - ${escapeControl(`${who} - ${action}`)}\n`);
  }

  onApplicationShutdown(): void {
    this.flush();
    this.closed = true;
    this.file.close();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending.join('');
    this.pending = [];
    try {
      this.file.append(lines, this.pendingAt);
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    const now = Date.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    this.logger.warn(`acciones.log cannot be written (${why}); the audit rows in the database keep every action`);
  }
}
