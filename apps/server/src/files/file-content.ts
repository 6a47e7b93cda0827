import { FILE_NAME_MAX, FILE_TYPES } from '@avisa/contracts';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const TEXT_TYPES: readonly string[] = ['txt', 'csv'];
const MARKUP = /<\s*(!doctype|html|svg|script|\?xml|iframe|object|body)\b/i;
const SNIFF_BYTES = 8192;

/**
 * The uploader's file name, for display and the download's Content-Disposition only: the last path segment, without
 * control characters, characters Windows or shells treat specially, or leading dots; never empty.
 */
export function sanitizeFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  let name = last
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim();
  name = name.replace(/^[.\s]+/, '');
  if (name.length > FILE_NAME_MAX) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, FILE_NAME_MAX - ext.length) + ext;
  }
  return name || 'file';
}

/** busboy hands multipart file names over as Latin-1; a browser sends UTF-8. */
export function decodeUploadName(raw: string): string {
  const utf8 = Buffer.from(raw, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? raw : utf8;
}

export type ContentVerdict = { allowed: true; ext: string; mime: string } | { allowed: false; reason: string };

/**
 * Judges a file by what it is, not what it is called: its magic bytes must be one of the allowed types. A file with
 * no magic bytes passes only as plain text or CSV (named so), without NUL bytes and without markup in it, so an HTML
 * or SVG page never passes, whatever its name.
 */
export async function judgeContent(path: string, name: string): Promise<ContentVerdict> {
  const { fileTypeFromFile } = await import('file-type');
  const detected = await fileTypeFromFile(path);
  const allowed = FILE_TYPES.find((t) => t.ext === detected?.ext);
  if (detected) {
    return allowed
      ? { allowed: true, ext: allowed.ext, mime: allowed.mime }
      : { allowed: false, reason: `files of type ${detected.ext} (${detected.mime}) are not accepted` };
  }
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  const head = await readHead(path);
  if (!TEXT_TYPES.includes(ext) || head.includes(0) || MARKUP.test(head.toString('utf8'))) {
    return {
      allowed: false,
      reason: 'the content is not one of the accepted types (PDF, images, office documents, ZIP, plain text, CSV)',
    };
  }
  return { allowed: true, ext, mime: FILE_TYPES.find((t) => t.ext === ext)!.mime };
}

/** The name shown, with the extension of what the content is. */
export function nameForType(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return dot > 0 && name.slice(dot + 1).toLowerCase() === ext ? name : `${base}.${ext}`;
}

export function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
