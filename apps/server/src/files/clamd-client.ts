import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

export type ScanVerdict =
  { verdict: 'clean' } | { verdict: 'infected'; signature: string } | { verdict: 'unscannable'; reason: string };

/** No scanner answered: nothing was decided about the file, it is scanned again later. */
export class ScannerUnavailableError extends Error {}

export type ClamdAddress = { path: string } | { host: string; port: number };

/**
 * A client for ClamAV's clamd: `INSTREAM` sends the file in chunks (each prefixed by its length as 4 bytes, big
 * endian, ended by an empty chunk) and clamd answers one line: `stream: OK`, `stream: <signature> FOUND`, or an
 * error such as `INSTREAM size limit exceeded. ERROR`. Written here because it is this small and the npm clients
 * either buffer whole files or are unmaintained.
 */
export class ClamdClient {
  constructor(
    private readonly address: ClamdAddress,
    private readonly timeoutMs: number,
  ) {}

  describe(): string {
    return 'path' in this.address ? this.address.path : `${this.address.host}:${this.address.port}`;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.exchange('zPING\0', undefined)) === 'PONG';
    } catch {
      return false;
    }
  }

  async scan(source: Readable): Promise<ScanVerdict> {
    return parseReply(await this.exchange('zINSTREAM\0', source));
  }

  /** Sends a command (and a stream's chunks), resolves with clamd's one reply, without its trailing NUL. */
  private exchange(command: string, source: Readable | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(this.address);
      const replies: Buffer[] = [];
      let settled = false;
      const finish = (error: Error | null, reply?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        source?.destroy();
        socket.destroy();
        if (error) reject(error);
        else resolve(reply!);
      };
      const timer = setTimeout(
        () => finish(new ScannerUnavailableError(`the scanner did not answer within ${this.timeoutMs / 1000} s`)),
        this.timeoutMs,
      );
      socket.on('data', (chunk: Buffer) => {
        replies.push(chunk);
        const text = Buffer.concat(replies).toString('utf8');
        if (text.includes('\0')) finish(null, text.slice(0, text.indexOf('\0')).trim());
      });
      socket.on('end', () => {
        const text = Buffer.concat(replies).toString('utf8').replace(/\0/g, '').trim();
        if (text) finish(null, text);
        else finish(new ScannerUnavailableError('the scanner closed the connection without an answer'));
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // clamd may close its side once a stream passes its limit, before we stop writing: its reply still counts.
        const text = Buffer.concat(replies).toString('utf8').replace(/\0/g, '').trim();
        if (text) finish(null, text);
        else
          finish(
            new ScannerUnavailableError(
              `the scanner at ${this.describe()} is unreachable (${error.code ?? error.message})`,
            ),
          );
      });
      socket.on('connect', () => {
        socket.write(command);
        if (!source) return;
        source.on('data', (chunk: Buffer) => {
          const length = Buffer.alloc(4);
          length.writeUInt32BE(chunk.length);
          if (!socket.write(Buffer.concat([length, chunk]))) {
            source.pause();
            socket.once('drain', () => source.resume());
          }
        });
        source.on('end', () => socket.write(Buffer.alloc(4)));
        source.on('error', (error) => finish(error));
      });
    });
  }
}

export function parseReply(reply: string): ScanVerdict {
  const text = reply.replace(/^stream:\s*/, '');
  if (text === 'OK') return { verdict: 'clean' };
  const found = /^(.+) FOUND$/.exec(text);
  if (found) return { verdict: 'infected', signature: found[1] };
  if (/size limit exceeded/i.test(text)) {
    return { verdict: 'unscannable', reason: "the file is larger than the scanner's limit" };
  }
  return { verdict: 'unscannable', reason: `the scanner answered: ${text.slice(0, 200) || 'nothing'}` };
}
