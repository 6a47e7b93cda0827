import { randomUUID } from 'node:crypto';

/**
 * A UUID of version 7 (RFC 9562, section 5.7): the first 48 bits are `epochMs`, the other 74 free bits random. Ids
 * made one after the other sort one after the other, so rows keyed by them are added at the end of their indexes:
 * the alerts a commit holds share a few index pages instead of each writing pages of its own. The random bits are
 * those of a version 4 UUID past its first 48, which Node draws from a cached pool (`randomFillSync` per id costs
 * a call into OpenSSL each time).
 */
export function timeOrderedUuid(epochMs: number): string {
  const time = epochMs.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
