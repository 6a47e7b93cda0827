import { dictionary } from '@zxcvbn-ts/language-common';
import { type ErrorParams, type ErrorParamsOf, type FieldProblem, errorMessage } from '@avisa/contracts';
import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';

export const PASSWORD_MIN_BYTES = 8;
// bcrypt ignores everything past 72 bytes, so a longer password would be silently truncated.
export const PASSWORD_MAX_BYTES = 72;

let common: Set<string> | undefined;

/** The 49,000 most common passwords, shipped with @zxcvbn-ts/language-common. */
export function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

type PasswordCode =
  'password.not_string' | 'password.too_short' | 'password.too_long' | 'password.common' | 'password.same_as_username';

/** Why a password is refused, as a catalogue code with its params (`field` is the caller's), or null. */
export function passwordRefusal(
  password: unknown,
  username?: string,
): { code: PasswordCode; params: ErrorParams } | null {
  if (typeof password !== 'string') return { code: 'password.not_string', params: {} };
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return { code: 'password.too_short', params: { min: PASSWORD_MIN_BYTES } };
  if (bytes > PASSWORD_MAX_BYTES) return { code: 'password.too_long', params: { max: PASSWORD_MAX_BYTES, bytes } };
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return { code: 'password.common', params: {} };
  if (username && lower === username.toLowerCase()) return { code: 'password.same_as_username', params: {} };
  return null;
}

/** The refusal as a field problem: `{ field, code, params, message }`. */
export function passwordFieldProblem(field: string, password: unknown, username?: string): FieldProblem | null {
  const refusal = passwordRefusal(password, username);
  if (!refusal) return null;
  const params = { ...refusal.params, field } as ErrorParamsOf<PasswordCode>;
  return { field, code: refusal.code, params, message: errorMessage(refusal.code, params as never) };
}

/** Why a password is refused, in English after the field's name (`must be a string`), or null when it is acceptable. */
export function passwordProblem(password: unknown, username?: string): string | null {
  const problem = passwordFieldProblem('', password, username);
  return problem ? problem.message.trimStart() : null;
}

/** class-validator rule for a new password; the username is taken from `usernameField` when present. */
export function IsAcceptablePassword(usernameField?: string, options?: ValidationOptions) {
  const usernameOf = (args?: ValidationArguments) => {
    const value = usernameField ? (args?.object as Record<string, unknown> | undefined)?.[usernameField] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return (object: object, propertyName: string) => {
    registerDecorator({
      name: 'isAcceptablePassword',
      target: object.constructor,
      propertyName,
      options,
      constraints: [usernameField],
      validator: {
        validate(value: unknown, args?: ValidationArguments) {
          return passwordProblem(value, usernameOf(args)) === null;
        },
        defaultMessage(args?: ValidationArguments) {
          const field = args?.property ?? propertyName;
          return passwordFieldProblem(field, args?.value, usernameOf(args))?.message ?? `${field} is not acceptable`;
        },
      },
    });
  };
}
