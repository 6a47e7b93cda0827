import type { AbstractControl } from '@angular/forms';
import type { ErrorStateMatcher } from '@angular/material/core';

/** Errors show once a field was left or the server refused it, not merely because a form was submitted before. */
export const touchedErrorState: ErrorStateMatcher = {
  isErrorState: (control: AbstractControl | null) => !!control && control.invalid && control.touched,
};
