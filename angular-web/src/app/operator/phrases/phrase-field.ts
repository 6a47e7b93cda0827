import type { AbstractControl, FormControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import { MESSAGE_TEXT_MAX, phraseKey, type PhraseResponse } from '@avisa/contracts';

/** A phrase's text: not blank, not too long, and not another phrase's (`exceptId` is the one being edited). */
export function phraseValidator(others: () => PhraseResponse[], exceptId: () => number | null): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const text = control.value.trim();
    if (!text) return { required: true };
    if (text.length > MESSAGE_TEXT_MAX) return { tooLong: true };
    const key = phraseKey(text);
    const except = exceptId();
    if (others().some((p) => p.id !== except && phraseKey(p.text) === key)) return { duplicate: true };
    return null;
  };
}

/** The field rules, in the order their errors show. */
const FIELD_RULES = ['required', 'tooLong', 'duplicate'] as const;

/** A phrase field's errors: the rule it breaks (a `quickPhrases.*` key), then what the server said about it. */
export function phraseFieldErrors(control: FormControl<string>, server: string[]): { key?: string; text?: string }[] {
  const broken = FIELD_RULES.filter((rule) => control.hasError(rule)).map((rule) => ({ key: `quickPhrases.${rule}` }));
  return [...broken, ...server.map((text) => ({ text }))];
}
