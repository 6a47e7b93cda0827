import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The server's bounds: bcrypt ignores what lies past 72 bytes, so longer passwords are refused, not cut. */
export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = 72;

const encoder = new TextEncoder();

export const passwordBytesValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const value = control.value ?? '';
  if (!value) return null;
  const bytes = encoder.encode(value).length;
  if (bytes < PASSWORD_MIN_BYTES) return { passwordShort: { min: PASSWORD_MIN_BYTES } };
  if (bytes > PASSWORD_MAX_BYTES) return { passwordLong: { max: PASSWORD_MAX_BYTES, bytes } };
  return null;
};

/** On the repeat field: it must equal the sibling `first` (revalidate it when `first` changes). */
export function sameAs(first: string): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const other = control.parent?.get(first);
    return other && control.value && control.value !== other.value ? { mismatch: true } : null;
  };
}
