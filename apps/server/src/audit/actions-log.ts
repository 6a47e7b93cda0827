import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import DailyRotateFile from 'winston-daily-rotate-file';
import { localDateTime } from '../common/local-time';
import { AppConfigService } from '../config/app-config.service';
import { escapeControl } from '../logging/log-line';

/** Account, site and token names as the server creates them; anything else came from a request as typed. */
const PLAIN_ACTOR = /^[a-z0-9._:-]+$/;
/** The formatted line a winston transport writes (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for('message');

/**
 * `acciones.log`: one line per audited action, `YYYY-MM-DD HH:mm:ss - user - action`, rotated daily.
 * The lines of one turn of the event loop go to the rotating file in one write, without a winston logger in between:
 * per call, the logger's stream pipeline and the rotator's date check cost more than the line itself.
 */
@Injectable()
export class ActionsLog implements OnApplicationShutdown {
  private readonly file: DailyRotateFile;
  private pending: string[] = [];
  private closed = false;

  constructor(config: AppConfigService) {
    this.file = new DailyRotateFile({
      dirname: config.get('AVISA_LOG_DIR'),
      filename: 'acciones-%DATE%.log',
      datePattern: 'YYYY-MM-DD',
      maxFiles: `${config.get('AVISA_AUDIT_LOG_DAYS')}d`,
      createSymlink: true,
      symlinkName: 'acciones.log',
      auditFile: join(config.get('AVISA_LOG_DIR'), '.acciones-audit.json'),
      eol: '\n',
    });
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

  /** Resolves once every line is in the file: the transport says `finish` when its file stream has ended. */
  onApplicationShutdown(): Promise<void> {
    this.flush();
    this.closed = true;
    return new Promise((resolve) => {
      this.file.once('finish', () => resolve());
      this.file.close?.();
    });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending.join('\n');
    this.pending = [];
    this.file.log?.({ level: 'info', message: lines, [MESSAGE]: lines }, () => undefined);
  }
}
