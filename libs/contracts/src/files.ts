/**
 * Shared files. Every upload waits in quarantine: `quarantined` (waiting for a scanner, or for an admin when there is
 * none), `scanning`, then `clean`, `infected` (stays quarantined until an admin deletes it) or `unscannable` (the
 * scanner could not read it: too big, encrypted, timed out); `scanner_unavailable` when a scanner is configured but
 * did not answer (it is tried again). Only a clean file, or one an admin released by hand, can be downloaded.
 */
export const FILE_STATES = [
  'quarantined',
  'scanning',
  'clean',
  'infected',
  'unscannable',
  'scanner_unavailable',
] as const;
export type FileState = (typeof FILE_STATES)[number];

/** What may be uploaded, judged on the content's magic bytes (plain text and CSV: by extension, when not markup). */
export const FILE_TYPES = [
  { ext: 'pdf', mime: 'application/pdf' },
  { ext: 'png', mime: 'image/png' },
  { ext: 'jpg', mime: 'image/jpeg' },
  { ext: 'gif', mime: 'image/gif' },
  { ext: 'webp', mime: 'image/webp' },
  { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { ext: 'pptx', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  { ext: 'odt', mime: 'application/vnd.oasis.opendocument.text' },
  { ext: 'ods', mime: 'application/vnd.oasis.opendocument.spreadsheet' },
  { ext: 'odp', mime: 'application/vnd.oasis.opendocument.presentation' },
  { ext: 'zip', mime: 'application/zip' },
  { ext: 'txt', mime: 'text/plain' },
  { ext: 'csv', mime: 'text/csv' },
] as const;

export const FILE_NAME_MAX = 200;
export const FILE_RELEASE_REASON_MAX = 500;

export const isDownloadable = (file: { state: FileState; releasedAt: string | null }): boolean =>
  file.state === 'clean' || file.releasedAt !== null;

export interface FileResponse {
  id: string;
  /** The uploader's file name, sanitized: never a path. */
  name: string;
  size: number;
  mime: string;
  sha256: string;
  state: FileState;
  /** Why it is infected (the signature), unscannable or waiting; null when clean. */
  reason: string | null;
  uploadedBy: string;
  createdAt: string;
  scannedAt: string | null;
  /** Set when an admin released it by hand. */
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
  downloadable: boolean;
}

export interface ReleaseFileRequest {
  /** Why it is safe to share without a clean scan: kept in the audit trail. */
  reason: string;
}
