import {
  ROLES,
  type Role,
  type UserResponse,
  type CreateUserRequest,
  type UpdateUserRequest,
  type SetPasswordRequest,
  type SetRoleRequest,
  type SetEnabledRequest,
  type ChangeOwnPasswordRequest,
} from '@avisa/contracts';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../../common/password-policy';
import { IsDisplayName } from '../../common/http/display-name';
import { toIso } from '../../database/columns';
import { UserEntity } from '../user.entity';
import { IsNormalizedName } from '../../common/http/names';

export class CreateUserDto implements CreateUserRequest {
  /** Login name; stored trimmed and in lower case. */
  @IsNormalizedName('username')
  username!: string;

  /** Name shown in the app; defaults to the username. */
  @IsOptional()
  @IsDisplayName()
  displayName?: string;

  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role!: Role;

  /** 8 to 72 bytes, not a common password, not the username. */
  @IsAcceptablePassword('username')
  password!: string;
}

export class UpdateUserDto implements UpdateUserRequest {
  @IsDisplayName()
  displayName!: string;
}

export class SetPasswordDto implements SetPasswordRequest {
  @IsAcceptablePassword()
  password!: string;
}

export class SetRoleDto implements SetRoleRequest {
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role!: Role;
}

export class SetEnabledDto implements SetEnabledRequest {
  @IsBoolean()
  enabled!: boolean;
}

export class ChangeOwnPasswordDto implements ChangeOwnPasswordRequest {
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @IsAcceptablePassword()
  newPassword!: string;
}

export function toUserResponse(user: UserEntity): UserResponse {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    enabled: user.enabled,
    builtin: user.builtin,
    createdAt: toIso(user.createdAt)!,
    updatedAt: toIso(user.updatedAt)!,
  };
}
