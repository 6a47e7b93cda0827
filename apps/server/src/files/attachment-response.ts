import type { Response } from 'express';
import type { SendFileOptions } from 'express-serve-static-core';

/**
 * Read in chunks just under 64 KB: with the deployment's `MALLOC_MMAP_THRESHOLD_=65536` every 64 KB read buffer (fs
 * streams' default) was its own mmap and munmap, which doubled the server's CPU per downloaded megabyte.
 */
const READ_CHUNK = 60 * 1024;

/** `send` hands its options to the file stream, so the chunk size goes with them (express's type omits it). */
const SEND_OPTIONS: SendFileOptions & { highWaterMark: number } = {
  acceptRanges: true,
  etag: false,
  lastModified: true,
  dotfiles: 'deny',
  highWaterMark: READ_CHUNK,
};

/** What is needed to send a stored file. */
export interface ServedFile {
  path: string;
  name: string;
  mime: string;
  sha256: string;
}

/**
 * Sends a file as a download, never as a page of the app's origin: `Content-Disposition: attachment`, `nosniff`, a
 * `sandbox` CSP; ranges (a slow line resumes) and a strong ETag, its SHA-256 (If-None-Match, If-Range). Shared by the
 * users' download and the sites' attachment download.
 */
export function sendAsAttachment(res: Response, file: ServedFile): Promise<void> {
  res.attachment(file.name);
  res.setHeader('Content-Type', file.mime);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('ETag', `"${file.sha256}"`);
  res.setHeader('Cache-Control', 'private, no-cache');
  return new Promise<void>((resolve, reject) =>
    res.sendFile(file.path, SEND_OPTIONS, (error) => (error && !res.headersSent ? reject(error) : resolve())),
  );
}
