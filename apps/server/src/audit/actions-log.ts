import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import * as winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { AppConfigService } from '../config/app-config.service';
import { oneLine } from '../logging/log-line';

/** Account, site and token names as the server creates them; anything else came from a request as typed. */
const PLAIN_ACTOR = /^[a-z0-9._:-]+$/;

/** `acciones.log`: one line per audited action, `YYYY-MM-DD HH:mm:ss - user - action`, rotated daily. */
@Injectable()
export class ActionsLog implements OnApplicationShutdown {
  private readonly logger: winston.Logger;

  constructor(config: AppConfigService) {
    this.logger = winston.createLogger({
      format: winston.format.combine(
        winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss' }),
        oneLine(({ timestamp, message }) => `${String(timestamp)} - ${String(message)}`),
      ),
      transports: [
        new DailyRotateFile({
          dirname: config.get('AVISA_LOG_DIR'),
          filename: 'acciones-%DATE%.log',
          datePattern: 'YYYY-MM-DD',
          maxFiles: `${config.get('AVISA_AUDIT_LOG_DAYS')}d`,
          createSymlink: true,
          symlinkName: 'acciones.log',
          auditFile: join(config.get('AVISA_LOG_DIR'), '.acciones-audit.json'),
        }),
      ],
    });
  }

  /** An actor that is not a plain name (an attempted login name) is quoted, so it cannot pass for the "user" field. */
  write(actor: string, action: string): void {
    this.logger.info(`${PLAIN_ACTOR.test(actor) ? actor : JSON.stringify(actor)} - ${action}`);
  }

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => {
      this.logger.on('finish', () => resolve());
      this.logger.end();
      setTimeout(resolve, 500).unref();
    });
  }
}
