/** Longest file name kept, in UTF-8 bytes: most file systems allow 255, and " (2)" may still be added. */
const NAME_MAX_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/**
 * Control characters, path separators, what Windows refuses in a name, `%` (cmd would expand it when opening) and
 * the bidirectional controls that can make an `.exe` name read as a `.pdf` one.
 */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\<>:"|?*%]/g;

/**
 * The name an attachment gets on this PC. The server sanitizes names already; the receiver does it again, since a
 * name is about to become a path: one segment (no separators, no `..`), no control characters, no leading dots or
 * spaces, nothing Windows refuses or reserves, not too long; `attachment-<id>` when nothing is left.
 */
export function sanitizeAttachmentName(raw: string, fileId: string): string {
  let name = raw
    .normalize('NFC')
    .replace(UNSAFE, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ');
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (name.replace(/_/g, '') === '') name = '';
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  name = shorten(name, NAME_MAX_BYTES);
  return name || `attachment-${safeSegment(fileId)}`;
}

/** An id as one folder or file name segment: letters, digits and dashes (a UUID stays as it is). */
export function safeSegment(id: string): string {
  const segment = id.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 100);
  return /[A-Za-z0-9]/.test(segment) ? segment : `id-${Buffer.from(id).toString('hex').slice(0, 64) || 'none'}`;
}

/** `name`, or `name (2).ext`, `name (3).ext`… when an earlier attachment of the same alert took it. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  const key = (n: string) => n.toLowerCase();
  const takenKeys = new Set([...taken].map(key));
  if (!takenKeys.has(key(name))) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!takenKeys.has(key(candidate))) return candidate;
  }
}

function shorten(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  let bytes = Buffer.byteLength(ext);
  let stem = '';
  for (const char of name.slice(0, name.length - ext.length)) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    stem += char;
  }
  return stem.trimEnd() + ext;
}
