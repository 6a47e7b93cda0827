import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { NAME_MAX, NAME_MIN, NAME_PATTERN, nameProblem as problemOf, normalizeName } from '@avisa/contracts';

export { NAME_MAX, NAME_MIN, NAME_PATTERN, normalizeName };
export const DISPLAY_NAME_MAX = 128;

/** Translation keys of the form errors. */
export type NameProblem = 'required' | 'nameLength' | 'namePattern';

export function nameProblem(raw: string): NameProblem | null {
  switch (problemOf(normalizeName(raw))) {
    case 'empty':
      return 'required';
    case 'tooShort':
    case 'tooLong':
      return 'nameLength';
    case 'pattern':
      return 'namePattern';
    default:
      return null;
  }
}

/** The server's naming rule (2–64 lower-case letters, digits, ".", "_", "-"), checked before sending. */
export const nameValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null => {
  const problem = nameProblem(control.value ?? '');
  return problem ? { [problem]: true } : null;
};

/** The length rule, as the translations of `nameLength` want it. */
export const NAME_RULE = { min: NAME_MIN, max: NAME_MAX };

/** The translation key of a site or token name field's first error, or null. */
export function nameErrorKey(control: AbstractControl): string | null {
  if (control.hasError('required')) return 'common.required';
  if (control.hasError('nameLength')) return 'manageSites.form.nameLength';
  if (control.hasError('namePattern')) return 'manageSites.form.namePattern';
  return null;
}
