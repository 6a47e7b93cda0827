export const ROLES = ['admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_SCOPES = ['messages:send', 'read'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  idleTimeoutSeconds: number;
  user: { id: number; username: string; displayName: string; role: Role };
}

export interface ChangeOwnPasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export type WhoAmIResponse =
  | { kind: 'user'; id: number; username: string; displayName: string; role: Role }
  | { kind: 'token'; id: number; name: string; scopes: TokenScope[] };
