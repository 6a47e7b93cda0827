import { unlinkSync } from 'node:fs';
import { createConnection, createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockHeldError } from './lock-file';

/** Names the machine-wide lock; only for running several receivers on one machine on purpose (tests, labs). */
export const MACHINE_LOCK_ENV = 'AVISA_RECEIVER_MACHINE_LOCK';
export const DEFAULT_MACHINE_LOCK = 'avisa-receiver';
const NAME_PATTERN = /^[A-Za-z0-9._-]{1,80}$/;

/**
 * Where the lock listens. Linux: an abstract socket, one per machine (network namespace) whatever the account or
 * data folder, and gone the moment its process dies, so a crash never leaves it stale. Windows: a named pipe, global
 * to the machine. Elsewhere: a socket file in the temporary folder.
 */
export function machineLockAddress(platform: NodeJS.Platform, name: string): string {
  if (!NAME_PATTERN.test(name)) throw new Error(`${MACHINE_LOCK_ENV} must be 1 to 80 letters, digits, ".", "_" or "-"`);
  if (platform === 'win32') return `\\\\.\\pipe\\${name}`;
  if (platform === 'linux') return `\0${name}`;
  return join(tmpdir(), `${name}.sock`);
}

/** One receiver per machine: a second copy, even with another data folder, is refused at start. */
export class MachineLock {
  private constructor(
    private readonly server: Server,
    private readonly address: string,
  ) {}

  static async acquire(address: string, pid: number): Promise<MachineLock> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const server = createServer((socket) => socket.end(`${pid}\n`));
      const listening = await new Promise<NodeJS.ErrnoException | null>((done) => {
        server.once('error', (error: NodeJS.ErrnoException) => done(error));
        server.listen(address, () => done(null));
      });
      if (!listening) {
        server.unref();
        return new MachineLock(server, address);
      }
      if (listening.code !== 'EADDRINUSE') throw listening;
      const holder = await askHolder(address);
      if (holder !== 'stale') throw new LockHeldError(displayAddress(address), holder);
      // A socket file left by a crash (only where the lock is a file): nobody answers on it.
      unlinkSync(address);
    }
    throw new Error(`Could not take the machine lock ${displayAddress(address)}`);
  }

  release(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  get description(): string {
    return displayAddress(this.address);
  }
}

function displayAddress(address: string): string {
  return address.startsWith('\0') ? `@${address.slice(1)}` : address;
}

/** The holder's PID (0 when it answers without one), or 'stale' when nobody listens behind the address. */
function askHolder(address: string): Promise<number | 'stale'> {
  return new Promise((done) => {
    let text = '';
    const socket = createConnection(address);
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'stale' : 0);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      const pid = Number.parseInt(text.trim(), 10);
      done(Number.isInteger(pid) && pid > 0 ? pid : 0);
    });
  });
}
