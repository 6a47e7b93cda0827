import type { Response } from 'express';

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
    res.sendFile(file.path, { acceptRanges: true, etag: false, lastModified: true, dotfiles: 'deny' }, (error) =>
      error && !res.headersSent ? reject(error) : resolve(),
    ),
  );
}
