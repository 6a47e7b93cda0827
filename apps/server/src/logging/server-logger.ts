import { LoggerService } from '@nestjs/common';
import { WinstonModule } from 'nest-winston';
import { join } from 'node:path';
import * as winston from 'winston';
import { LevelGate } from './level-gate';
import { oneLine } from './log-line';

// A stack trace stays in its event's line too: its line breaks are escaped like any other.
const line = oneLine(({ timestamp, level, message, context, stack }) => {
  const where = context ? ` [${String(context)}]` : '';
  const text = stack ? `${String(message)}\n${String(stack)}` : String(message);
  return `${String(timestamp)} - ${level.toUpperCase()}${where} ${text}`;
});

/** Server events: the console and `servidor.log`, rotated by size (5 MB × 10). */
export function createServerLogger(logDir: string, level: string): LoggerService {
  const format = winston.format.combine(
    winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss' }),
    winston.format.errors({ stack: true }),
    line,
  );
  const winstonLogger = WinstonModule.createLogger({
    level,
    transports: [
      new winston.transports.Console({ format }),
      new winston.transports.File({
        filename: join(logDir, 'servidor.log'),
        maxsize: 5 * 1024 * 1024,
        maxFiles: 10,
        tailable: true,
        format,
      }),
    ],
  });
  return new LevelGate(winstonLogger, level);
}
