import { type ReceiverResponse, compareVersions, receiverVersion } from '@avisa/contracts';

/** `unknown`: never connected, or a client that does not say its version the receivers' way. */
export type VersionState = 'current' | 'behind' | 'unknown';

/** Where a site stands against the version the server serves (one newer than it counts as current). */
export function versionState(clientVersion: string | null, served: string): VersionState {
  const running = receiverVersion(clientVersion);
  if (!running) return 'unknown';
  return compareVersions(running, served) < 0 ? 'behind' : 'current';
}

/** How many enabled sites are up to date, behind, or of unknown version (disabled sites never connect to update). */
export function versionCounts(sites: readonly ReceiverResponse[], served: string): Record<VersionState, number> {
  const counts: Record<VersionState, number> = { current: 0, behind: 0, unknown: 0 };
  for (const site of sites) if (site.enabled) counts[versionState(site.clientVersion, served)]++;
  return counts;
}

/** The version as a person reads it: "0.2.0" out of "avisa-receiver/0.2.0", or what the client sent. */
export function shownVersion(clientVersion: string | null): string | null {
  return receiverVersion(clientVersion) ?? clientVersion;
}
