import { Transform } from 'class-transformer';
import { Matches, MaxLength, MinLength, IsString } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

/** "  MARIN " and "marin" are one name. */
export function normalizeName(value: string): string {
  return value.trim().toLowerCase();
}

export const NAME_PATTERN = /^[a-z0-9._-]+$/;

/** A login or site name: trimmed, lower case, letters, digits, `.`, `_`, `-`. */
export const IsNormalizedName = (field: string) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normalizeName(value) : value)),
    IsString({ message: `${field} must be a string` }),
    MinLength(2, { message: `${field} must be at least 2 characters long` }),
    MaxLength(64, { message: `${field} must be at most 64 characters long` }),
    Matches(NAME_PATTERN, { message: `${field} may contain only letters, digits, ".", "_" and "-"` }),
  );
