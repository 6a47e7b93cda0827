import { Transform } from 'class-transformer';
import { Matches, MaxLength, MinLength, IsString } from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { NAME_MAX, NAME_MIN, NAME_PATTERN, NAME_PROBLEM_TEXT, normalizeName } from '@avisa/contracts';

/** A login or site name: trimmed, lower case, letters, digits, `.`, `_`, `-`. */
export const IsNormalizedName = (field: string) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normalizeName(value) : value)),
    IsString({ message: `${field} must be a string` }),
    MinLength(NAME_MIN, { message: `${field} ${NAME_PROBLEM_TEXT.tooShort}` }),
    MaxLength(NAME_MAX, { message: `${field} ${NAME_PROBLEM_TEXT.tooLong}` }),
    Matches(NAME_PATTERN, { message: `${field} ${NAME_PROBLEM_TEXT.pattern}` }),
  );
