import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../../test/utils';
import { localDate } from '../common/local-time';
import { ActionsLog } from './actions-log';

const AT = new Date(2026, 11, 7, 9, 5, 3).getTime();
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Polls `condition` every 10 ms; false if it still does not hold after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('ActionsLog', () => {
  let dir: string;
  let log: ActionsLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'avisa-actions-'));
    log = new ActionsLog(testConfig({ AVISA_LOG_DIR: dir }));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Today's file, the one the rotator writes to, read once shutdown has ended the stream. */
  const written = () => readFileSync(join(dir, `acciones-${localDate(Date.now())}.log`), 'utf8');

  it('writes "YYYY-MM-DD HH:mm:ss - user - action" lines in the order they were recorded, across turns', async () => {
    log.write(AT, 'admin', 'user.created marin {"role":"operator"} [10.0.0.9]');
    log.write(AT + 1_000, 'api:backup', 'alert.sent m1');
    await nextTurn();
    log.write(AT + 62_000, 'marin', 'user.logout');
    await log.onApplicationShutdown();

    expect(written()).toBe(
      [
        '2026-12-07 09:05:03 - admin - user.created marin {"role":"operator"} [10.0.0.9]',
        '2026-12-07 09:05:04 - api:backup - alert.sent m1',
        '2026-12-07 09:06:05 - marin - user.logout',
        '',
      ].join('\n'),
    );
  });

  it('keeps a line that is still waiting for its turn when the server shuts down', async () => {
    log.write(AT, 'admin', 'settings.updated');
    await log.onApplicationShutdown();

    expect(written()).toBe('2026-12-07 09:05:03 - admin - settings.updated\n');
  });

  it('leaves an action recorded after shutdown to its audit row, without failing', async () => {
    log.write(AT, 'admin', 'settings.updated');
    await log.onApplicationShutdown();
    log.write(AT, 'admin', 'user.logout');
    await nextTurn();

    expect(written()).toBe('2026-12-07 09:05:03 - admin - settings.updated\n');
  });

  it('writes a thousand lines recorded in one turn as a thousand lines', async () => {
    for (let i = 0; i < 1000; i++) log.write(AT, 'admin', `alert.sent m${i}`);
    await log.onApplicationShutdown();

    const lines = written().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(Array.from({ length: 1000 }, (_, i) => `2026-12-07 09:05:03 - admin - alert.sent m${i}`));
  });

  it('quotes an actor that is not a plain name and escapes control characters, so each action stays one line', async () => {
    log.write(AT, 'x\r\n2026-12-07 09:05:03 - admin', 'auth.login_failed');
    log.write(AT, 'admin', 'phrase.created \u001b[31mred');
    await log.onApplicationShutdown();

    expect(written()).toBe(
      '2026-12-07 09:05:03 - "x\\r\\n2026-12-07 09:05:03 - admin" - auth.login_failed\n' +
        '2026-12-07 09:05:03 - admin - phrase.created \\u001b[31mred\n',
    );
  });

  it('names the day in the file and points acciones.log at it', async () => {
    log.write(AT, 'admin', 'user.created marin');
    await log.onApplicationShutdown();

    expect(readlinkSync(join(dir, 'acciones.log'))).toBe(`acciones-${localDate(Date.now())}.log`);
    expect(readFileSync(join(dir, 'acciones.log'), 'utf8')).toBe(written());
  });

  it('warns and goes on when the disk is full, and writes again once space is freed', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'avisa-tmpfs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const full = new ActionsLog(testConfig({ AVISA_LOG_DIR: mount }));
      const filler = join(mount, 'filler');
      const { bavail, bsize } = statfsSync(mount);
      writeFileSync(filler, Buffer.alloc(bavail * bsize));
      for (let i = 0; i < 20; i++) {
        full.write(AT, 'admin', `phrase.created ${'x'.repeat(500)} ${i}`);
        await nextTurn();
      }
      expect(await until(() => warnings.mock.calls.length > 0)).toBe(true);
      expect(warnings).toHaveBeenCalledTimes(1);
      expect(warnings.mock.calls[0][0]).toMatch(/^acciones\.log cannot be written \(ENOSPC\)/);

      rmSync(filler);
      // A write already under way when the space was freed may still fail: its lines stay in their audit rows only.
      const file = join(mount, `acciones-${localDate(Date.now())}.log`);
      const written = () => readFileSync(file, 'utf8').includes('user.logout');
      for (let i = 0; i < 10 && !written(); i++) {
        full.write(AT, 'admin', `user.logout ${i}`);
        await until(written, 500);
      }
      await full.onApplicationShutdown();
      expect(readFileSync(file, 'utf8')).toMatch(/(^|\n)2026-12-07 09:05:03 - admin - user\.logout \d+\n$/);
    } finally {
      warnings.mockRestore();
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
