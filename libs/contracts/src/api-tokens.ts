import type { TokenScope } from './auth';

export interface CreateApiTokenRequest {
  name: string;
  scopes: TokenScope[];
  expiresInDays?: number;
}

export interface ApiTokenResponse {
  id: number;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Returned once, at creation: the secret is never shown again. */
export interface CreatedApiTokenResponse extends ApiTokenResponse {
  token: string;
}
