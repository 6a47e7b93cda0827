import type { LoggerService } from '@nestjs/common';

const RANK: Record<string, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/**
 * Drops the calls below the configured level before winston sees them: winston builds an info object and pushes
 * it through its stream for every call and only its transports filter by level, which made the debug lines of
 * every site connection a measurable share of a connection burst's CPU.
 */
export class LevelGate implements LoggerService {
  private readonly info: boolean;
  private readonly warnings: boolean;
  private readonly debugging: boolean;

  constructor(
    private readonly inner: LoggerService,
    level: string,
  ) {
    const rank = RANK[level] ?? RANK.info;
    this.warnings = rank >= RANK.warn;
    this.info = rank >= RANK.info;
    this.debugging = rank >= RANK.debug;
  }

  log(message: unknown, ...rest: unknown[]): void {
    if (this.info) this.inner.log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.inner.error(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    if (this.warnings) this.inner.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    if (this.debugging) this.inner.debug?.(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    if (this.debugging) this.inner.verbose?.(message, ...rest);
  }
}
