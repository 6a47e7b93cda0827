import type { AlertAttachment } from '@avisa/contracts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DownloadError, downloadAttachment, HttpAnswer, HttpGet, HttpGetOptions } from './attachment-download';
import { tempDir } from '../test/utils';

const CONTENT = Buffer.from('%PDF-1.4\n' + 'x'.repeat(5000) + '\n%%EOF\n');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const FILE: AlertAttachment = {
  id: 'f1',
  name: 'Circular.pdf',
  size: CONTENT.length,
  mime: 'application/pdf',
  sha256: sha256(CONTENT),
};

/** What the server answers, one answer per request, with every request's headers kept. */
function fakeServer(...answers: ((options: HttpGetOptions) => HttpAnswer)[]) {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const http: HttpGet = (url, options) => {
    requests.push({ url, headers: options.headers });
    const answer = answers.shift();
    if (!answer) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8443'));
    return Promise.resolve(answer(options));
  };
  return { http, requests };
}

const ok = (body: Buffer) => () => ({
  status: 200,
  headers: {},
  body: Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
});
const partial =
  (body: Buffer, from: number, size = body.length) =>
  () => ({
    status: 206,
    headers: { 'content-range': `bytes ${from}-${size - 1}/${size}` },
    body: Readable.from([body.subarray(from)]),
  });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () => ({
    status: code,
    headers,
    body: Readable.from([Buffer.from('{"message":"no"}')]),
  });
/** Sends `bytes` of the body and, once they are written to `partPath`, the connection breaks. */
const cut = (body: Buffer, bytes: number, partPath: string) => () => ({
  status: 200,
  headers: {},
  body: Readable.from(
    (async function* () {
      yield body.subarray(0, bytes);
      while (!existsSync(partPath) || statSync(partPath).size < bytes) await new Promise((r) => setTimeout(r, 5));
      throw new Error('socket hang up');
    })(),
  ),
});

function setup() {
  const dir = tempDir();
  const partPath = join(dir, '.partial', 'a1-f1.part');
  const target = join(dir, 'a1', 'Circular.pdf');
  const request = (file: AlertAttachment = FILE) => ({
    url: 'https://avisa.example.org/api/v1/messages/a1/attachments/f1',
    site: { name: 'farmacia-centro', key: 'avr_secret', ca: 'PEM' },
    file,
    partPath,
    target,
    signal: new AbortController().signal,
  });
  const writePart = (data: Buffer) => {
    mkdirSync(join(dir, '.partial'), { recursive: true });
    writeFileSync(partPath, data);
  };
  return { partPath, target, request, writePart };
}

const failure = async (promise: Promise<unknown>): Promise<DownloadError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
};

describe('downloadAttachment', () => {
  it("asks with the site's name and key, checks the file and puts it in place", async () => {
    const { request, target, partPath } = setup();
    const { http, requests } = fakeServer(ok(CONTENT));
    expect(await downloadAttachment(request(), http)).toBe(0);
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
    expect(existsSync(partPath)).toBe(false);
    expect(requests).toEqual([
      {
        url: 'https://avisa.example.org/api/v1/messages/a1/attachments/f1',
        headers: { 'X-Avisa-Site': 'farmacia-centro', Authorization: 'Bearer avr_secret' },
      },
    ]);
  });

  it('resumes a cut download with Range and If-Range (the ETag is the SHA-256)', async () => {
    const { request, target, writePart } = setup();
    writePart(CONTENT.subarray(0, 2048));
    const { http, requests } = fakeServer(partial(CONTENT, 2048));
    expect(await downloadAttachment(request(), http)).toBe(2048);
    expect(requests[0].headers).toEqual({
      'X-Avisa-Site': 'farmacia-centro',
      Authorization: 'Bearer avr_secret',
      Range: 'bytes=2048-',
      'If-Range': `"${FILE.sha256}"`,
    });
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
  });

  it('starts over when the server sends the whole file instead of the range', async () => {
    const { request, target, writePart } = setup();
    writePart(Buffer.from('bytes of another version'));
    const { http } = fakeServer(ok(CONTENT));
    expect(await downloadAttachment(request(), http)).toBe(0);
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
  });

  it('starts over when the server cannot serve the range (416)', async () => {
    const { request, target, writePart } = setup();
    writePart(CONTENT.subarray(0, 100));
    const { http, requests } = fakeServer(status(416), ok(CONTENT));
    await downloadAttachment(request(), http);
    expect(requests.map((r) => r.headers.Range)).toEqual(['bytes=100-', undefined]);
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
  });

  it('refuses and removes a file whose SHA-256 is not the one the alert announced', async () => {
    const { request, target, partPath } = setup();
    const tampered = Buffer.from(CONTENT);
    tampered[100] ^= 1;
    const { http } = fakeServer(ok(tampered));
    const error = await failure(downloadAttachment(request(), http));
    expect(error.message).toBe(
      `its SHA-256 is ${sha256(tampered)}, not the ${FILE.sha256} the alert announced; the download was removed`,
    );
    expect(error.retryable).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(partPath)).toBe(false);
  });

  it('stops and removes a download larger than the alert announced', async () => {
    const { request, target, partPath } = setup();
    const { http } = fakeServer(ok(Buffer.concat([CONTENT, Buffer.from('more')])));
    const error = await failure(downloadAttachment(request(), http));
    expect(error.message).toBe(`the server sent more than the ${CONTENT.length} bytes the alert announced`);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(partPath)).toBe(false);
  });

  it('keeps what arrived before the connection broke, to resume from there', async () => {
    const { request, target, partPath } = setup();
    const { http } = fakeServer(cut(CONTENT, 3000, partPath));
    const error = await failure(downloadAttachment(request(), http));
    expect(error.message).toBe(
      `the download broke off after 3000 of ${CONTENT.length} bytes (socket hang up); it resumes from there`,
    );
    expect(error.retryable).toBe(true);
    expect(readFileSync(partPath).equals(CONTENT.subarray(0, 3000))).toBe(true);
    expect(existsSync(target)).toBe(false);

    const resumed = fakeServer(partial(CONTENT, 3000));
    expect(await downloadAttachment(request(), resumed.http)).toBe(3000);
    expect(resumed.requests[0].headers.Range).toBe('bytes=3000-');
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
  });

  it('checks a part that was complete when the receiver stopped, without asking again', async () => {
    const { request, target, writePart } = setup();
    writePart(CONTENT);
    const { http, requests } = fakeServer();
    await downloadAttachment(request(), http);
    expect(requests).toEqual([]);
    expect(readFileSync(target).equals(CONTENT)).toBe(true);
  });

  it('says why the server refused, and whether trying again can help', async () => {
    const cases: [number, Record<string, string>, string, boolean][] = [
      [401, {}, "the server refused this site's name or key (401)", true],
      [403, {}, 'the server says this site did not receive that file with that alert (403)', false],
      [404, {}, 'the file is no longer on the server (404)', false],
      [
        429,
        { 'retry-after': '42' },
        'the server asks this address to wait for 42 s after too many failed attempts (429)',
        true,
      ],
      [503, {}, 'the server answered 503', true],
    ];
    for (const [code, headers, message, retryable] of cases) {
      const { request } = setup();
      const error = await failure(downloadAttachment(request(), fakeServer(status(code, headers)).http));
      expect({ message: error.message, retryable: error.retryable }).toEqual({ message, retryable });
    }
    const { request } = setup();
    const unreachable = await failure(downloadAttachment(request(), fakeServer().http));
    expect(unreachable.message).toBe('could not reach the server: connect ECONNREFUSED 127.0.0.1:8443');
  });

  it('refuses a range other than the one asked for', async () => {
    const { request, writePart, partPath } = setup();
    writePart(CONTENT.subarray(0, 100));
    const { http } = fakeServer(partial(CONTENT, 50));
    const error = await failure(downloadAttachment(request(), http));
    expect(error.message).toContain('a range (bytes 50-');
    expect(existsSync(partPath)).toBe(false);
  });
});
