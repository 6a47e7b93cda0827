import type { Role } from './auth';

export interface UserResponse {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  enabled: boolean;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreateUserRequest {
  username: string;
  displayName?: string;
  role: Role;
  password: string;
}

export interface UpdateUserRequest {
  displayName: string;
}

export interface SetPasswordRequest {
  password: string;
}

export interface SetRoleRequest {
  role: Role;
}

export interface SetEnabledRequest {
  enabled: boolean;
}
