import * as winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';

/** The narrow logging surface the receiver's classes depend on, so specs can pass a silent stand-in. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export interface ReceiverLogger extends Logger {
  close(): Promise<void>;
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}

const line = (secrets: () => readonly string[]) =>
  winston.format.printf(({ timestamp, level, message }) =>
    redact(`${String(timestamp)} - ${level.toUpperCase()} ${String(message)}`, secrets()),
  );

export function createReceiverLogger(logDir: string, secrets: () => readonly string[], level = 'info'): ReceiverLogger {
  const format = winston.format.combine(winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss' }), line(secrets));
  const file = new DailyRotateFile({
    dirname: logDir,
    filename: 'avisa-receiver-%DATE%.log',
    datePattern: 'YYYY-MM-DD',
    maxFiles: '14d',
    maxSize: '20m',
    options: { flags: 'a', mode: 0o600 },
    format,
  });
  const logger = winston.createLogger({ level, transports: [new winston.transports.Console({ format }), file] });
  return {
    debug: (m) => logger.debug(m),
    info: (m) => logger.info(m),
    warn: (m) => logger.warn(m),
    error: (m) => logger.error(m),
    close: () =>
      new Promise<void>((done) => {
        const timer = setTimeout(done, 2000);
        file.on('finish', () => {
          clearTimeout(timer);
          done();
        });
        logger.end();
      }),
  };
}
