import { Transform } from 'class-transformer';
import { Matches, MaxLength, MinLength, IsString } from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import {
  NAME_MAX,
  NAME_MIN,
  NAME_PATTERN,
  NAME_PROBLEM_TEXT,
  normalizeName,
  type FieldProblem,
  type NameProblem,
} from '@avisa/contracts';

/** A login or site name: trimmed, lower case, letters, digits, `.`, `_`, `-`. */
export const IsNormalizedName = (field: string) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normalizeName(value) : value)),
    IsString({ message: `${field} must be a string` }),
    MinLength(NAME_MIN, {
      message: `${field} ${NAME_PROBLEM_TEXT.tooShort}`,
      context: { code: 'name.too_short', params: { min: NAME_MIN } },
    }),
    MaxLength(NAME_MAX, {
      message: `${field} ${NAME_PROBLEM_TEXT.tooLong}`,
      context: { code: 'name.too_long', params: { max: NAME_MAX } },
    }),
    Matches(NAME_PATTERN, { message: `${field} ${NAME_PROBLEM_TEXT.pattern}`, context: { code: 'name.pattern' } }),
  );

const NAME_CODES: Record<NameProblem, string> = {
  empty: 'name.empty',
  tooShort: 'name.too_short',
  tooLong: 'name.too_long',
  pattern: 'name.pattern',
};

/** A name problem found by hand (`nameProblem`), reported on `field` for the name at `path` (e.g. `members[2]`). */
export function nameFieldProblem(field: string, path: string, problem: NameProblem): FieldProblem {
  return {
    field,
    code: NAME_CODES[problem],
    params: { field: path, min: NAME_MIN, max: NAME_MAX },
    message: `${path} ${NAME_PROBLEM_TEXT[problem]}`,
  };
}
