import type { PresencePayload, ReceiverResponse } from '@avisa/contracts';

/** The sites with one presence event applied in place (a site the list does not hold is not added). */
export function withPresence(list: ReceiverResponse[], p: PresencePayload): ReceiverResponse[] {
  return list.map((s) =>
    s.name === p.name
      ? {
          ...s,
          online: p.online,
          connectedSince: p.connectedSince,
          lastSeenAt: p.lastSeenAt ?? s.lastSeenAt,
          clientVersion: p.clientVersion ?? s.clientVersion,
        }
      : s,
  );
}
