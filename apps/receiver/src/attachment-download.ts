import type { AlertAttachment } from '@avisa/contracts';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export interface HttpGetOptions {
  /** The PEM to trust, as for the socket: verification is never turned off. */
  ca: string;
  headers: Record<string, string>;
  /** Given up when no byte arrived for this long. */
  idleTimeoutMs: number;
  signal: AbortSignal;
}

export type HttpGet = (url: string, options: HttpGetOptions) => Promise<HttpAnswer>;

/** Why a download did not give the file, in plain English; `retryable` false when trying again cannot help. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface DownloadRequest {
  url: string;
  site: { name: string; key: string; ca: string };
  file: AlertAttachment;
  /** Where the bytes go while they arrive; kept after a cut download, to resume it. */
  partPath: string;
  /** Where the verified file ends up. */
  target: string;
  signal: AbortSignal;
  idleTimeoutMs?: number;
}

const IDLE_TIMEOUT_MS = 30_000;

/**
 * Fetches one attachment into `partPath` (resuming what an earlier attempt left there with `Range` and `If-Range`,
 * so a file that changed meanwhile comes whole), checks its size and SHA-256 against the alert, then renames it to
 * `target`. A file that does not match is removed. Returns the offset it resumed from.
 */
export async function downloadAttachment(req: DownloadRequest, http: HttpGet = httpsGet): Promise<number> {
  const { file, partPath } = req;
  await mkdir(dirname(partPath), { recursive: true });
  await mkdir(dirname(req.target), { recursive: true });
  let offset = await sizeOf(partPath);
  if (offset > file.size) {
    await rm(partPath, { force: true });
    offset = 0;
  }
  if (offset === file.size && offset > 0) {
    if ((await sha256Of(partPath)) === file.sha256) {
      await rename(partPath, req.target);
      return offset;
    }
    await rm(partPath, { force: true });
    offset = 0;
  }
  for (;;) {
    const answer = await get(req, offset, http);
    if (answer.status === 416 && offset > 0) {
      answer.body.resume();
      await rm(partPath, { force: true });
      offset = 0;
      continue;
    }
    if (answer.status !== 200 && answer.status !== 206) {
      answer.body.resume();
      throw refusal(answer);
    }
    if (answer.status === 206 && !rangeStartsAt(answer.headers['content-range'], offset, file.size)) {
      answer.body.resume();
      await rm(partPath, { force: true });
      throw new DownloadError(
        `the server answered a range (${answer.headers['content-range'] ?? 'none'}) other than the one asked for`,
        true,
      );
    }
    const from = answer.status === 206 ? offset : 0;
    await receive(answer.body, req, from);
    await verify(req);
    return from;
  }
}

async function get(req: DownloadRequest, offset: number, http: HttpGet): Promise<HttpAnswer> {
  const headers: Record<string, string> = {
    'X-Avisa-Site': req.site.name,
    Authorization: `Bearer ${req.site.key}`,
  };
  if (offset > 0) {
    headers.Range = `bytes=${offset}-`;
    // The ETag is the file's SHA-256: if it is another file now, the server sends all of it.
    headers['If-Range'] = `"${req.file.sha256}"`;
  }
  try {
    return await http(req.url, {
      ca: req.site.ca,
      headers,
      idleTimeoutMs: req.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
      signal: req.signal,
    });
  } catch (error) {
    if (req.signal.aborted) throw error;
    throw new DownloadError(`could not reach the server: ${(error as Error).message}`, true);
  }
}

function refusal(answer: HttpAnswer): DownloadError {
  switch (answer.status) {
    case 401:
      return new DownloadError("the server refused this site's name or key (401)", true);
    case 403:
      return new DownloadError('the server says this site did not receive that file with that alert (403)', false);
    case 404:
      return new DownloadError('the file is no longer on the server (404)', false);
    case 429: {
      const wait = Number(answer.headers['retry-after']);
      const after = Number.isFinite(wait) && wait > 0 ? ` for ${wait} s` : '';
      return new DownloadError(
        `the server asks this address to wait${after} after too many failed attempts (429)`,
        true,
      );
    }
    default:
      return new DownloadError(`the server answered ${answer.status}`, true);
  }
}

class TooLargeError extends Error {}

async function receive(body: Readable, req: DownloadRequest, from: number): Promise<void> {
  const { file, partPath } = req;
  let total = from;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > file.size) done(new TooLargeError());
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(partPath, { flags: from > 0 ? 'a' : 'w' }));
  } catch (error) {
    if (error instanceof TooLargeError) {
      await rm(partPath, { force: true });
      throw new DownloadError(`the server sent more than the ${file.size} bytes the alert announced`, true);
    }
    if (req.signal.aborted) throw error;
    const got = await sizeOf(partPath);
    throw new DownloadError(
      `the download broke off after ${got} of ${file.size} bytes (${(error as Error).message}); it resumes from there`,
      true,
    );
  }
}

async function verify(req: DownloadRequest): Promise<void> {
  const { file, partPath } = req;
  const got = await sizeOf(partPath);
  if (got < file.size) {
    throw new DownloadError(
      `the server ended the download after ${got} of ${file.size} bytes; it resumes from there`,
      true,
    );
  }
  const sha256 = await sha256Of(partPath);
  if (sha256 !== file.sha256) {
    await rm(partPath, { force: true });
    throw new DownloadError(
      `its SHA-256 is ${sha256}, not the ${file.sha256} the alert announced; the download was removed`,
      true,
    );
  }
  const handle = await open(partPath, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partPath, req.target);
}

/** `Content-Range: bytes <from>-<size - 1>/<size>`. */
function rangeStartsAt(header: string | undefined, from: number, size: number): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
  return !!match && Number(match[1]) === from && Number(match[2]) === size - 1 && Number(match[3]) === size;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** GET over HTTPS trusting only the configured certificate, as the receiver's own connection does. */
export const httpsGet: HttpGet = (url, options) =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'GET', ca: options.ca, rejectUnauthorized: true, headers: options.headers, signal: options.signal },
      (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response }),
    );
    req.setTimeout(options.idleTimeoutMs, () =>
      req.destroy(new Error(`nothing came from the server for ${options.idleTimeoutMs / 1000} s`)),
    );
    req.on('error', reject);
    req.end();
  });
