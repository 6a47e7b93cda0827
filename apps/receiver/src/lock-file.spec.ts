import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive, LockFile, LockHeldError, readLockPid } from './lock-file';
import { tempDir } from '../test/utils';

describe('LockFile', () => {
  it('writes the PID and removes the file on release', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    const lock = LockFile.acquire(path, 4242, () => false);
    expect(readFileSync(path, 'utf8').trim()).toBe('4242');
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses while the owner is alive, naming its PID', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    LockFile.acquire(path, 100, () => false);
    const probe = (pid: number) => pid === 100;
    expect(() => LockFile.acquire(path, 200, probe)).toThrow(LockHeldError);
    expect(() => LockFile.acquire(path, 200, probe)).toThrow(/PID 100/);
    expect(readLockPid(path)).toBe(100);
  });

  it('recovers a stale lock left by a crashed process', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    writeFileSync(path, '100\n');
    const lock = LockFile.acquire(path, 200, () => false);
    expect(readLockPid(path)).toBe(200);
    lock.release();
  });

  it('recovers an empty or garbled lock file', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    writeFileSync(path, 'garbage');
    LockFile.acquire(path, 300, () => true);
    expect(readLockPid(path)).toBe(300);
  });

  it('does not remove a lock that another process has taken since', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    const lock = LockFile.acquire(path, 100, () => false);
    writeFileSync(path, '999\n');
    lock.release();
    expect(readLockPid(path)).toBe(999);
  });

  it('treats a lock from before the last boot as stale, even if its PID is alive again', () => {
    const path = join(tempDir(), 'avisa-receiver.lock');
    writeFileSync(path, '100\n');
    const bootedAt = Date.now() - 60_000;
    utimesSync(path, new Date(bootedAt - 3_600_000), new Date(bootedAt - 3_600_000));
    LockFile.acquire(path, 200, () => true, bootedAt);
    expect(readLockPid(path)).toBe(200);
  });

  it('probes real processes', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 12345)).toBe(false);
  });
});
