import type { AlertAttachment, AlertPayload } from '@avisa/contracts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HttpGet } from './attachment-download';
import { AttachmentDownloads, AttachmentStatus, MAX_AUTOMATIC_ATTEMPTS } from './attachments';
import { FakeClock, MemoryLogger, tempDir } from '../test/utils';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function file(id: string, name: string, content: Buffer): AlertAttachment {
  return { id, name, size: content.length, mime: 'application/pdf', sha256: sha256(content) };
}

const PDF = Buffer.from('%PDF-1.4\nuno\n');
const OTHER = Buffer.from('%PDF-1.4\ndos, algo más largo\n');
const F1 = file('f1', 'Circular.pdf', PDF);
const F2 = file('f2', 'Circular.pdf', OTHER);

const alert = (id: string, attachments: AlertAttachment[]): AlertPayload => ({
  id,
  text: 'Ver adjunto',
  priority: 'normal',
  sender: 'Soporte',
  sentAt: '2026-11-22T10:00:00.000Z',
  expiresAt: null,
  reminder: 0,
  attachments,
});

/** The server: what it answers for each file id (bytes, or a status), counting requests and how many run at once. */
class FakeServer {
  readonly answers = new Map<string, Buffer | number>();
  readonly requested: string[] = [];
  running = 0;
  mostAtOnce = 0;

  readonly http: HttpGet = (url) => {
    const fileId = url.split('/').pop()!;
    this.requested.push(fileId);
    const answer = this.answers.get(fileId) ?? 404;
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    const done = () => this.running--;
    if (typeof answer === 'number') {
      done();
      return Promise.resolve({ status: answer, headers: {}, body: Readable.from([]) });
    }
    const body = Readable.from(
      (async function* () {
        await new Promise((r) => setTimeout(r, 10));
        yield answer;
      })(),
    );
    body.once('close', done);
    return Promise.resolve({ status: 200, headers: {}, body });
  };

  count(fileId: string): number {
    return this.requested.filter((id) => id === fileId).length;
  }
}

function setup() {
  const dataDir = tempDir();
  const clock = new FakeClock();
  const logger = new MemoryLogger();
  const server = new FakeServer();
  const opened: string[] = [];
  const statuses: AttachmentStatus[][] = [];
  const build = () =>
    AttachmentDownloads.open({
      dataDir,
      site: () => ({ serverUrl: 'https://avisa.example.org', name: 'farmacia-centro', key: 'avr_k', ca: 'PEM' }),
      openPath: (path) => {
        opened.push(path);
        return Promise.resolve();
      },
      clock,
      logger,
      onChange: (list) => statuses.push(list),
      http: server.http,
    });
  const folder = (alertId: string) => join(dataDir, 'attachments', alertId);
  return { sut: build(), reopen: build, dataDir, clock, logger, server, opened, statuses, folder };
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};
const states = (sut: AttachmentDownloads) => sut.status().map((s) => `${s.name}: ${s.state}`);
const settled = (sut: AttachmentDownloads) =>
  sut.status().every((s) => s.state !== 'waiting' && s.state !== 'downloading');

describe('AttachmentDownloads', () => {
  it("fetches an alert's files after the alert was handled, one at a time, each under its own name", async () => {
    const { sut, server, folder, logger } = setup();
    server.answers.set('f1', PDF).set('f2', OTHER);
    sut.add(alert('a1', [F1, F2]));
    expect(server.requested).toEqual([]);
    expect(states(sut)).toEqual(['Circular.pdf: waiting', 'Circular.pdf: waiting']);
    await until(() => settled(sut));
    expect(server.requested).toEqual(['f1', 'f2']);
    expect(server.mostAtOnce).toBe(1);
    expect(readFileSync(join(folder('a1'), 'Circular.pdf')).equals(PDF)).toBe(true);
    expect(readFileSync(join(folder('a1'), 'Circular (2).pdf')).equals(OTHER)).toBe(true);
    expect(logger.lines).toContain(`info Attachment saved: ${join(folder('a1'), 'Circular (2).pdf')}`);
    expect(sut.status()).toEqual([
      expect.objectContaining({ alertId: 'a1', path: join(folder('a1'), 'Circular.pdf'), state: 'downloaded' }),
      expect.objectContaining({ alertId: 'a1', path: join(folder('a1'), 'Circular (2).pdf'), state: 'downloaded' }),
    ]);
  });

  it('never fetches again a file it has verified: not when the alert comes again, nor after a restart', async () => {
    const { sut, reopen, server } = setup();
    server.answers.set('f1', PDF);
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    sut.add(alert('a1', [F1]));
    sut.retry();
    await sut.stop();
    const again = reopen();
    again.retry();
    again.add(alert('a1', [F1]));
    await until(() => settled(again));
    expect(server.requested).toEqual(['f1']);
    expect(states(again)).toEqual(['Circular.pdf: downloaded']);
  });

  it('tries a failed file again at each connection, a bounded number of times; never one the server says is gone', async () => {
    const { sut, server, logger } = setup();
    server.answers.set('f1', 503).set('f2', 404);
    sut.add(alert('a1', [F1, F2]));
    await until(() => settled(sut));
    for (let i = 0; i < MAX_AUTOMATIC_ATTEMPTS + 2; i++) {
      sut.retry();
      await until(() => settled(sut));
    }
    expect(server.count('f1')).toBe(MAX_AUTOMATIC_ATTEMPTS);
    expect(server.count('f2')).toBe(1);
    expect(sut.status().map((s) => s.reason)).toEqual([
      'the server answered 503',
      'the file is no longer on the server (404)',
    ]);
    expect(logger.lines).toContain(
      'error Attachment "Circular.pdf" of alert a1 was not downloaded: the server answered 503; ' +
        'it will be tried again at the next connection',
    );
    expect(logger.lines).toContain(
      'error Attachment "Circular.pdf" of alert a1 was not downloaded: the server answered 503; ' +
        'given up after 5 attempts; opening it from the notification tries again',
    );
    expect(logger.lines).toContain(
      'error Attachment "Circular.pdf" of alert a1 was not downloaded: ' +
        'the file is no longer on the server (404); it will not be tried again',
    );
  });

  it('removes a file whose SHA-256 does not match, says why, and fetches it again at the next connection', async () => {
    const { sut, server, folder } = setup();
    server.answers.set('f1', OTHER.subarray(0, PDF.length));
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    expect(sut.status()[0]).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^its SHA-256 is /) });
    expect(existsSync(join(folder('a1'), 'Circular.pdf'))).toBe(false);
    server.answers.set('f1', PDF);
    sut.retry();
    await until(() => settled(sut));
    expect(sut.status()[0]).toMatchObject({ state: 'downloaded', reason: null });
  });

  it('fetches first, when a person asks to open it, whatever failed before; then opens the file', async () => {
    const { sut, server, opened, folder } = setup();
    server.answers.set('f1', 404);
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    server.answers.set('f1', PDF);
    await sut.openFiles('a1');
    expect(opened).toEqual([join(folder('a1'), 'Circular.pdf')]);
    expect(server.count('f1')).toBe(2);
    await sut.openFiles('a1');
    expect(server.count('f1')).toBe(2);
  });

  it("opens the alert's folder when it has several files", async () => {
    const { sut, server, opened, folder } = setup();
    server.answers.set('f1', PDF).set('f2', OTHER);
    sut.add(alert('a1', [F1, F2]));
    await sut.openFiles('a1');
    expect(opened).toEqual([folder('a1')]);
    expect(server.requested).toEqual(['f1', 'f2']);
  });

  it('opens nothing, and says why, when no file could be fetched', async () => {
    const { sut, opened, logger } = setup();
    sut.add(alert('a1', [F1]));
    await sut.openFiles('a1');
    expect(opened).toEqual([]);
    expect(logger.lines).toContain(
      'error Could not open the attachment of alert a1: Circular.pdf: the file is no longer on the server (404)',
    );
  });

  it('shows a file deleted by hand as deleted, and fetches it again when opened', async () => {
    const { sut, server, folder, opened } = setup();
    server.answers.set('f1', PDF);
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    rmSync(join(folder('a1'), 'Circular.pdf'));
    expect(sut.status()[0]).toMatchObject({ state: 'deleted' });
    await sut.openFiles('a1');
    expect(opened).toEqual([join(folder('a1'), 'Circular.pdf')]);
    expect(server.count('f1')).toBe(2);
  });

  it('removes the files of a retracted alert and forgets them', async () => {
    const { sut, server, folder, statuses } = setup();
    server.answers.set('f1', PDF);
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    sut.forget('a1');
    expect(existsSync(folder('a1'))).toBe(false);
    expect(sut.status()).toEqual([]);
    expect(statuses.at(-1)).toEqual([]);
  });

  it('removes what it fetched more than 30 days ago', async () => {
    const { sut, reopen, server, folder, clock } = setup();
    server.answers.set('f1', PDF);
    sut.add(alert('a1', [F1]));
    await until(() => settled(sut));
    await sut.stop();
    clock.advance(31 * 86_400_000);
    expect(reopen().status()).toEqual([]);
    expect(existsSync(folder('a1'))).toBe(false);
  });
});
