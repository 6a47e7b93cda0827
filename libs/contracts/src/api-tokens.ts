import type { TokenScope } from './auth';

export interface CreateApiTokenRequest {
  /** The token's key (a name such as `nagios`), as principal and in the audit trail. */
  name: string;
  /** The name people read ("Nagios monitorización"), kept as typed; the key when omitted. */
  displayName?: string;
  scopes: TokenScope[];
  expiresInDays?: number;
}

/** A token works only while the account that created it is active: disabling or deleting that account stops it. */
export const TOKEN_CREATOR_STATUSES = ['active', 'disabled', 'deleted'] as const;
export type TokenCreatorStatus = (typeof TOKEN_CREATOR_STATUSES)[number];

export interface ApiTokenResponse {
  id: number;
  name: string;
  displayName: string;
  prefix: string;
  scopes: TokenScope[];
  createdBy: string;
  /** The creating account's id; null when it no longer existed when this was first recorded. */
  createdById: number | null;
  creatorStatus: TokenCreatorStatus;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Returned once, at creation: the secret is never shown again. */
export interface CreatedApiTokenResponse extends ApiTokenResponse {
  token: string;
}

/** A token key proposed from a display name: "Nagios monitorización" → "nagios-monitorizacion". */
export function tokenKeyFrom(displayName: string): string {
  return displayName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
