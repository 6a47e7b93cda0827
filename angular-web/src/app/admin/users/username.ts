import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The server's login-name rule: trimmed, lower case, 2–64 letters, digits, ".", "_", "-". */
export const USERNAME_MIN = 2;
export const USERNAME_MAX = 64;
export const DISPLAY_NAME_MAX = 128;
const USERNAME_PATTERN = /^[a-z0-9._-]+$/;

export const usernameValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const name = (control.value ?? '').trim().toLowerCase();
  if (!name) return { required: true };
  if (name.length < USERNAME_MIN || name.length > USERNAME_MAX) return { usernameLength: true };
  if (!USERNAME_PATTERN.test(name)) return { usernamePattern: true };
  return null;
};
