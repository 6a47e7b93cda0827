/**
 * Receiver packages and updates. `npm run package:receiver` writes the packages and a manifest signed with the
 * project's update key; the server serves them as they are and offers the newer version to the sites an admin
 * chose. Receivers trust the manifest only when its signature checks with the key they were installed with.
 */
export const RECEIVER_PACKAGE_KINDS = ['bundle', 'deb', 'msi'] as const;
export type ReceiverPackageKind = (typeof RECEIVER_PACKAGE_KINDS)[number];

export interface ReceiverPackageFile {
  kind: ReceiverPackageKind;
  platform: 'any' | 'linux-x64' | 'win-x64';
  name: string;
  sha256: string;
  size: number;
}

/** `manifest.json` of a package folder; `manifest.json.sig` holds the base64 Ed25519 signature of its exact bytes. */
export interface ReceiverPackageManifest {
  version: string;
  createdAt: string;
  files: ReceiverPackageFile[];
}

/** Server → receiver `update`: a newer version to install. */
export interface UpdateOfferPayload {
  version: string;
  /** The manifest's exact text, as signed. */
  manifest: string;
  signature: string;
  /** Where to fetch the bundle named in the manifest, relative to the server's address. */
  path: string;
}

export const UPDATE_STATES = ['installed', 'done', 'failed'] as const;
/**
 * `installed`: verified and put in place, restarting into it; `done`: the new version runs and reached the server;
 * `failed`: refused, or the new version did not start and the previous one runs again (`reason` says which).
 */
export type UpdateState = (typeof UPDATE_STATES)[number];

/** Receiver → server `update_status`. */
export interface UpdateStatusPayload {
  version: string;
  state: UpdateState;
  reason?: string;
}

export const UPDATE_WHEN = ['now', 'night'] as const;
export type UpdateWhen = (typeof UPDATE_WHEN)[number];

export interface StartRolloutRequest {
  version: string;
  when: UpdateWhen;
}

export interface RolloutResponse {
  version: string;
  when: UpdateWhen;
  startedBy: string;
  startedAt: string;
}

export interface SiteUpdateResponse {
  name: string;
  version: string;
  state: UpdateState;
  reason: string | null;
  at: string;
}

export interface ReceiverUpdatesResponse {
  /** What the server serves, or null when no packages were published. */
  available: ReceiverPackageManifest | null;
  rollout: RolloutResponse | null;
  /** Local server time when a night rollout offers updates, as "HH:MM-HH:MM". */
  nightWindow: string;
  /** The last update report of each site that sent one. */
  sites: SiteUpdateResponse[];
}

export const INSTALLER_PLATFORMS = ['linux', 'windows'] as const;
export type InstallerPlatform = (typeof INSTALLER_PLATFORMS)[number];

/** `POST /receivers/:name/installer`: the key just shown proves the admin holds it; it goes into the script. */
export interface InstallerRequest {
  key: string;
  platform: InstallerPlatform;
}

/** The version a receiver reports as `avisa-receiver/<version>` in its handshake, or null. */
export function receiverVersion(clientVersion: string | null | undefined): string | null {
  const match = /^avisa-receiver\/(\d+\.\d+\.\d+)/.exec(clientVersion ?? '');
  return match ? match[1] : null;
}

/** Compares dotted numeric versions ("0.10.0" > "0.9.3"); pre-release tails are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[.+-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export const VERSION_PATTERN = /^\d+\.\d+\.\d+$/;
