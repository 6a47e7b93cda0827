import type {
  GroupResponse,
  OperatorRestrictionsResponse,
  GroupRequest,
  OperatorRestrictionsRequest,
} from '@avisa/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { toIso } from '../../database/columns';
import type { GroupWithMembers } from '../groups.repository';

export class GroupDto implements GroupRequest {
  /** Group name as people write it ("Zona Norte"), kept as its display name; matched trimmed, in lower case, with inner runs of spaces folded. */
  @IsString()
  @MaxLength(128)
  name!: string;

  /** Site names, following the same rules; sites that do not exist yet are allowed. */
  @IsArray({ message: 'members must be an array of site names' })
  @ArrayMaxSize(20_000)
  @IsString({ each: true, message: 'each member must be a site name' })
  members!: string[];
}

export class OperatorRestrictionsDto implements OperatorRestrictionsRequest {
  /** false lifts every restriction. */
  @IsBoolean()
  restricted!: boolean;

  /** Whether a restricted operator may still send to every site. */
  @IsOptional()
  @IsBoolean()
  allowGlobal?: boolean;

  /** Groups the operator may see and send to. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  groups?: string[];
}

export function toGroupResponse({ group, members }: GroupWithMembers): GroupResponse {
  return {
    id: group.id,
    name: group.name,
    displayName: group.displayName || group.name,
    members,
    createdAt: toIso(group.createdAt)!,
    updatedAt: toIso(group.updatedAt)!,
  };
}

export type { OperatorRestrictionsResponse };
