import type { ApiTokenResponse } from '@avisa/contracts';

export type TokenState = 'active' | 'expired' | 'revoked' | 'creatorDisabled' | 'creatorDeleted';

/** Whether a token works now, and if not, why; the server refuses it for the same reasons. */
export function tokenState(t: ApiTokenResponse, now = Date.now()): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  if (t.creatorStatus === 'deleted') return 'creatorDeleted';
  if (t.creatorStatus === 'disabled') return 'creatorDisabled';
  return 'active';
}

/** The tokens a user created that are neither revoked nor expired: what disabling or deleting that user stops. */
export function tokensCreatedBy(
  tokens: readonly ApiTokenResponse[],
  userId: number,
  now = Date.now(),
): ApiTokenResponse[] {
  return tokens.filter((t) => t.createdById === userId && !['revoked', 'expired'].includes(tokenState(t, now)));
}
