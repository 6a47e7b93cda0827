import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './server';

/** A file from Debian's clamav-testfiles: harmless, but the signature database made below calls it a virus. */
export const INFECTED_SAMPLE = '/usr/share/clamav-testfiles/clam.pdf';

/**
 * A real ClamAV daemon (Debian's clamav-daemon) on a local socket, with a signature database made here from one test
 * file (`sigtool --md5`): the machines have no internet, so no official signatures.
 */
export class Clamd {
  private constructor(
    readonly socket: string,
    private readonly dir: string,
    private readonly process: ChildProcess,
  ) {}

  /** Starts clamd on `socket` (default: a new one in its own folder) and waits until it answers. */
  static async start(socket?: string): Promise<Clamd> {
    for (const needed of ['/usr/sbin/clamd', '/usr/bin/sigtool', INFECTED_SAMPLE]) {
      if (!existsSync(needed)) {
        throw new Error(`${needed} is missing: install Debian's clamav-daemon and clamav-testfiles (.ci/run does)`);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'avisa-clamd-'));
    const path = socket ?? join(dir, 'clamd.sock');
    mkdirSync(join(dir, 'db'));
    writeFileSync(join(dir, 'db', 'avisa-test.hdb'), execFileSync('/usr/bin/sigtool', ['--md5', INFECTED_SAMPLE]));
    writeFileSync(
      join(dir, 'clamd.conf'),
      [
        `LocalSocket ${path}`,
        `DatabaseDirectory ${join(dir, 'db')}`,
        'Foreground yes',
        `LogFile ${join(dir, 'clamd.log')}`,
        `TemporaryDirectory ${dir}`,
        'StreamMaxLength 30M',
      ].join('\n'),
    );
    const child = spawn('/usr/sbin/clamd', ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
    const clamd = new Clamd(path, dir, child);
    const deadline = Date.now() + 30_000;
    while (!existsSync(path)) {
      if (child.exitCode !== null) throw new Error(`clamd exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('clamd did not open its socket in 30 s');
      await sleep(100);
    }
    return clamd;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((resolve) => this.process.once('exit', resolve));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
