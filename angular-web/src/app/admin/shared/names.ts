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
