/**
 * `admin` and `operator` work with alerts and sites (the staff); a `member` only takes part in chat rooms and,
 * later, downloads shared files: no alert, site, history, group or admin screen is theirs.
 */
export const ROLES = ['admin', 'operator', 'member'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['admin', 'operator'] as const satisfies readonly Role[];
export const isStaff = (role: Role): boolean => (STAFF_ROLES as readonly Role[]).includes(role);

/** `rooms:post` lets a token post into the rooms it was given (and, with `read`, read them). */
export const TOKEN_SCOPES = ['messages:send', 'read', 'rooms:post'] as const;
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
