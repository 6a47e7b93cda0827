import { dictionary } from '@zxcvbn-ts/language-common';
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

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: unknown, username?: string): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < PASSWORD_MIN_BYTES) return `must be at least ${PASSWORD_MIN_BYTES} bytes long`;
  if (bytes > PASSWORD_MAX_BYTES) return `must be at most ${PASSWORD_MAX_BYTES} bytes long (got ${bytes})`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'is one of the most commonly used passwords; choose another';
  if (username && lower === username.toLowerCase()) return 'must not be the same as the username';
  return null;
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
      validator: {
        validate(value: unknown, args?: ValidationArguments) {
          return passwordProblem(value, usernameOf(args)) === null;
        },
        defaultMessage(args?: ValidationArguments) {
          const problem = passwordProblem(args?.value, usernameOf(args));
          return `${args?.property ?? propertyName} ${problem ?? 'is not acceptable'}`;
        },
      },
    });
  };
}
