import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { localDate } from '../common/local-time';

/**
 * A log of one file per day, `<name>-YYYY-MM-DD.log`, appended with synchronous writes; `<name>.log` links the day
 * last written, and files older than `keepDays` days (that day included) are removed when a day's file is opened.
 *
 * Synchronous because an asynchronous write is handed to libuv's thread pool and back, which on the virtual machines
 * measured costs up to 30–40 µs of CPU a write (two thread wake-ups), against about 4 µs for the append itself
 * (`bench/actions-log-cost.mjs`). The database's commits already wait for the same disk on the event loop.
 */
export class DailyFile {
  private fd: number | null = null;
  private dayStarts = 0;
  private dayEnds = 0;
  /** The file does not end with a newline: a write was cut short (a full disk, a crash mid-write). */
  private cutShort = false;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly keepDays: number,
  ) {}

  /** Appends whole lines (each ending in "\n") to the file of the day of `at`; throws what the disk answered. */
  append(text: string, at: number): void {
    if (this.fd === null || at < this.dayStarts || at >= this.dayEnds) this.openFor(at);
    const bytes = Buffer.from(this.cutShort ? `\n${text}` : text);
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd!, bytes, written);
      this.cutShort = false;
    } catch (error) {
      if (written > 0) this.cutShort = bytes[written - 1] !== 0x0a;
      throw error;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private openFor(at: number): void {
    this.close();
    const day = new Date(at);
    this.dayStarts = new Date(day.getFullYear(), day.getMonth(), day.getDate()).getTime();
    this.dayEnds = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1).getTime();
    const file = `${this.name}-${localDate(at)}.log`;
    this.fd = openSync(join(this.dir, file), 'a+');
    this.cutShort = !endsWithNewline(this.fd);
    this.link(file);
    this.removeBefore(new Date(day.getFullYear(), day.getMonth(), day.getDate() - this.keepDays + 1).getTime());
  }

  /** Points `<name>.log` at `file` in one rename, so a reader never finds it missing. */
  private link(file: string): void {
    const link = join(this.dir, `${this.name}.log`);
    const next = `${link}.${process.pid}.tmp`;
    try {
      rmSync(next, { force: true });
      symlinkSync(file, next);
      renameSync(next, link);
    } catch {
      // The link is a convenience: the day's file is written without it, and the next day tries again.
      rmSync(next, { force: true });
    }
  }

  /** Removes the days before `oldestKept`'s; what cannot be removed now is tried again the next day. */
  private removeBefore(oldestKept: number): void {
    const before = localDate(oldestKept);
    const dated = new RegExp(`^${this.name}-(\\d{4}-\\d{2}-\\d{2})\\.log$`);
    try {
      for (const entry of readdirSync(this.dir)) {
        const day = dated.exec(entry)?.[1];
        if (day !== undefined && day < before) rmSync(join(this.dir, entry), { force: true });
      }
    } catch {
      // Old files left for a day longer do no harm; the day's lines still go to the day's file.
    }
  }
}

function endsWithNewline(fd: number): boolean {
  const { size } = fstatSync(fd);
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
}
