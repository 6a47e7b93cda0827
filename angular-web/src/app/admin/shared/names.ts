import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The server stores site and token names trimmed and in lower case; "  Farmacia-1 " and "farmacia-1" are one name. */
export function normalizeName(value: string): string {
  return value.trim().toLowerCase();
}

export const NAME_PATTERN = /^[a-z0-9._-]+$/;
export const NAME_MIN = 2;
export const NAME_MAX = 64;
export const DISPLAY_NAME_MAX = 128;

export type NameProblem = 'required' | 'nameLength' | 'namePattern';

export function nameProblem(raw: string): NameProblem | null {
  const name = normalizeName(raw);
  if (!name) return 'required';
  if (name.length < NAME_MIN || name.length > NAME_MAX) return 'nameLength';
  if (!NAME_PATTERN.test(name)) return 'namePattern';
  return null;
}

/** The server's naming rule (2–64 lower-case letters, digits, ".", "_", "-"), checked before sending. */
export const nameValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const problem = nameProblem(control.value ?? '');
  return problem ? { [problem]: true } : null;
};
