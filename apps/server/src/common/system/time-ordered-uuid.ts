import { randomFillSync } from 'node:crypto';

/**
 * A UUID of version 7 (RFC 9562, section 5.7): the first 48 bits are `epochMs`, the other 74 free bits random. Ids
 * made one after the other sort one after the other, so rows keyed by them are added at the end of their indexes:
 * the alerts a commit holds share a few index pages instead of each writing pages of its own.
 */
export function timeOrderedUuid(epochMs: number): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(epochMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
