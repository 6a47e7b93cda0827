import type { ActorKind, Role, TokenScope } from '@avisa/contracts';

/** Who did something, as recorded by the audit trail. */
export interface Actor {
  kind: ActorKind;
  id: number | null;
  name: string;
  ip: string | null;
}

export type Principal =
  | { kind: 'user'; userId: number; username: string; displayName: string; role: Role; sessionId: string }
  | { kind: 'token'; tokenId: number; name: string; scopes: TokenScope[] };

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: null, name: 'system', ip: null };

export function actorOf(principal: Principal | undefined, ip: string | null): Actor {
  if (!principal) return { kind: 'anonymous', id: null, name: 'anonymous', ip };
  if (principal.kind === 'user') return { kind: 'user', id: principal.userId, name: principal.username, ip };
  return { kind: 'token', id: principal.tokenId, name: `token:${principal.name}`, ip };
}
