import { linkSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';
import { dirname } from 'node:path';
import { removeQuietly } from './atomic-file';

export const LOCK_FILE = 'avisa-receiver.lock';

export type PidProbe = (pid: number) => boolean;

/** Signal 0 checks existence without touching the process; EPERM means it exists but belongs to another user. */
export const isProcessAlive: PidProbe = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `Another avisa-receiver is already running on this machine (${pid > 0 ? `PID ${pid}, ` : ''}lock ${path}); stop it first`,
    );
    this.name = 'LockHeldError';
  }
}

export const bootTime = (): number => Date.now() - uptime() * 1000;

/**
 * The PID of the live process holding the lock, or null. A lock written before the machine last booted is stale
 * whatever its PID says: after a power cut that PID may well belong to some other process by now.
 */
export function lockOwner(
  path: string,
  isAlive: PidProbe = isProcessAlive,
  bootedAt: number = bootTime(),
): number | null {
  const pid = readLockPid(path);
  if (pid === null || !isAlive(pid)) return null;
  try {
    return statSync(path).mtimeMs < bootedAt ? null : pid;
  } catch {
    return null;
  }
}

export function readLockPid(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export class LockFile {
  private constructor(
    readonly path: string,
    readonly pid: number,
  ) {}

  static acquire(
    path: string,
    pid: number = process.pid,
    isAlive: PidProbe = isProcessAlive,
    bootedAt = bootTime(),
  ): LockFile {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(path, pid)) return new LockFile(path, pid);
      if (readLockPid(path) === pid) return new LockFile(path, pid);
      const owner = lockOwner(path, isAlive, bootedAt);
      if (owner !== null) throw new LockHeldError(path, owner);
      removeQuietly(path);
    }
    throw new Error(`Could not take the lock ${path}`);
  }

  release(): void {
    if (readLockPid(this.path) === this.pid) removeQuietly(this.path);
  }
}

/**
 * Writes the PID whole to a private file and hard-links it into place: link() is atomic and fails if the lock exists,
 * so nobody ever reads a half-written PID. Filesystems without hard links get an exclusive create instead.
 */
function createExclusive(path: string, pid: number): boolean {
  const temp = `${path}.${pid}.tmp`;
  writeFileSync(temp, `${pid}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  } finally {
    removeQuietly(temp);
  }
  try {
    writeFileSync(path, `${pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
