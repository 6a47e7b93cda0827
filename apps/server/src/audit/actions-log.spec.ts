import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
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

  /** The file of the lines' day. */
  const written = () => readFileSync(join(dir, `acciones-${localDate(AT)}.log`), 'utf8');

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

    expect(readlinkSync(join(dir, 'acciones.log'))).toBe('acciones-2026-12-07.log');
    expect(readFileSync(join(dir, 'acciones.log'), 'utf8')).toBe(written());
  });

  it('starts a new file when the day changes, moves the link, and removes the files older than the days kept', async () => {
    for (const old of ['2026-11-07', '2026-11-08', '2026-11-09'])
      writeFileSync(join(dir, `acciones-${old}.log`), 'x\n');
    writeFileSync(join(dir, 'servidor-2026-01-01.log'), 'not ours\n');
    const kept30 = new ActionsLog(testConfig({ AVISA_LOG_DIR: dir, AVISA_AUDIT_LOG_DAYS: '30' }));
    const lastSecond = new Date(2026, 11, 7, 23, 59, 59).getTime();
    kept30.write(lastSecond, 'admin', 'phrase.created a');
    await nextTurn();
    kept30.write(lastSecond + 2_000, 'admin', 'phrase.created b');
    await nextTurn();

    expect(readFileSync(join(dir, 'acciones-2026-12-07.log'), 'utf8')).toBe(
      '2026-12-07 23:59:59 - admin - phrase.created a\n',
    );
    expect(readFileSync(join(dir, 'acciones-2026-12-08.log'), 'utf8')).toBe(
      '2026-12-08 00:00:01 - admin - phrase.created b\n',
    );
    expect(readlinkSync(join(dir, 'acciones.log'))).toBe('acciones-2026-12-08.log');
    // 30 days kept: 2026-12-08 back to 2026-11-09.
    expect(readdirSync(dir).sort()).toEqual([
      'acciones-2026-11-09.log',
      'acciones-2026-12-07.log',
      'acciones-2026-12-08.log',
      'acciones.log',
      'servidor-2026-01-01.log',
    ]);
    kept30.onApplicationShutdown();
  });

  it('starts the next line on a line of its own when the file was left mid-line (a crash during a write)', async () => {
    writeFileSync(join(dir, 'acciones-2026-12-07.log'), '2026-12-07 09:00:00 - admin - phrase.crea');
    log.write(AT, 'admin', 'user.logout');
    await log.onApplicationShutdown();

    expect(written()).toBe('2026-12-07 09:00:00 - admin - phrase.crea\n2026-12-07 09:05:03 - admin - user.logout\n');
  });

  it('has the line in the file by the next turn, before anything else is answered', async () => {
    log.write(AT, 'admin', 'auth.logout admin');
    await nextTurn();

    expect(readFileSync(join(dir, 'acciones.log'), 'utf8')).toBe('2026-12-07 09:05:03 - admin - auth.logout admin\n');
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
      const file = join(mount, `acciones-${localDate(AT)}.log`);
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
