import { Injectable } from '@nestjs/common';

/** Why the database refused a write, in words for the client and the health check. */
export interface DatabaseFault {
  kind: 'full' | 'busy' | 'unavailable';
  message: string;
  /** What a client should wait before trying again. */
  retryAfterSeconds: number;
}

const FULL: DatabaseFault = {
  kind: 'full',
  message: 'the database is full (no space left); the request was refused — free space and try again',
  retryAfterSeconds: 30,
};
const BUSY: DatabaseFault = {
  kind: 'busy',
  message: 'the database is busy (another program holds its write lock); the request was refused — try again',
  retryAfterSeconds: 1,
};
const UNAVAILABLE: DatabaseFault = {
  kind: 'unavailable',
  message: 'the database cannot write right now; the request was refused — try again later',
  retryAfterSeconds: 10,
};

/**
 * The storage faults a client can do nothing about but wait: SQLite's result codes (better-sqlite3's `code`, such as
 * SQLITE_FULL or SQLITE_IOERR_WRITE) and PostgreSQL's SQLSTATE classes 53 (resources), 08 (connection) and 57P
 * (shutdown), lock timeouts. Anything else is a bug and stays a 500.
 */
export function databaseFault(error: unknown): DatabaseFault | undefined {
  const code = driverCode(error);
  if (!code) return undefined;
  if (code === 'SQLITE_FULL' || code === '53100') return FULL;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === '55P03') return BUSY;
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOMEM|PROTOCOL|NOLFS)/.test(code)) return UNAVAILABLE;
  if (/^(53|08)/.test(code) || code.startsWith('57P')) return UNAVAILABLE;
  return undefined;
}

function driverCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current = error as { code?: unknown; driverError?: unknown } | undefined;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (typeof current.code === 'string' && /^(SQLITE_|[0-9A-Z]{5}$)/.test(current.code)) return current.code;
    current = current.driverError as typeof current;
  }
  return undefined;
}

const RECENT_MS = 10_000;

/**
 * Whether the database took the last write. A refused write marks it failing until a later write commits; the health
 * check reports that, and after a quiet while it probes with a write of its own rather than trust an old failure.
 */
@Injectable()
export class DatabaseHealth {
  private failure: { fault: DatabaseFault; at: number } | undefined;

  failed(error: unknown): void {
    const fault = databaseFault(error);
    if (fault) this.failure = { fault, at: Date.now() };
  }

  succeeded(): void {
    this.failure = undefined;
  }

  /** The fault still in force, if a write failed and none committed since. */
  current(): DatabaseFault | undefined {
    return this.failure?.fault;
  }

  /** True when the last failure is old enough that a probe should decide again. */
  stale(now = Date.now()): boolean {
    return this.failure !== undefined && now - this.failure.at > RECENT_MS;
  }
}
