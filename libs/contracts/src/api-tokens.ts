import type { TokenScope } from './auth';

export interface CreateApiTokenRequest {
  name: string;
  scopes: TokenScope[];
  expiresInDays?: number;
}

/** A token works only while the account that created it is active: disabling or deleting that account stops it. */
export const TOKEN_CREATOR_STATUSES = ['active', 'disabled', 'deleted'] as const;
export type TokenCreatorStatus = (typeof TOKEN_CREATOR_STATUSES)[number];

export interface ApiTokenResponse {
  id: number;
  name: string;
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
