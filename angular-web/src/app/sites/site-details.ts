import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';
import {
  splitTags,
  siteDetailIssue,
  type ReceiverResponse,
  type SiteDetailField,
  type SiteProblem,
} from '@avisa/contracts';

/** A form value of one support detail as the server takes it: tags typed as "24h, guardia" become a list. */
export function detailValue(field: SiteDetailField, text: string): string | string[] {
  return field === 'tags' ? splitTags(text) : text.trim();
}

/** The contracts' rule on a form control; the error holds the problem, translated by `siteInfo.problems.<code>`. */
export function siteDetailValidator(field: SiteDetailField): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const found = siteDetailIssue(field, detailValue(field, control.value ?? ''));
    return found ? { siteDetail: found } : null;
  };
}

export function detailProblemOf(control: AbstractControl): SiteProblem | null {
  return (control.errors?.['siteDetail'] as SiteProblem | undefined) ?? null;
}

/** The regions and tags the sites use, each once (ignoring case), in alphabetical order: the filters' choices. */
export function facetsOf(sites: readonly ReceiverResponse[]): { regions: string[]; tags: string[] } {
  const once = (values: string[]) => {
    const byKey = new Map<string, string>();
    for (const v of values) if (!byKey.has(v.toLowerCase())) byKey.set(v.toLowerCase(), v);
    return [...byKey.values()].sort((a, b) => a.localeCompare(b));
  };
  return {
    regions: once(sites.flatMap((s) => (s.region ? [s.region] : []))),
    tags: once(sites.flatMap((s) => s.tags)),
  };
}

/** A `tel:` link for a phone as typed: digits and a leading + only. */
export function telLink(phone: string): string {
  return `tel:${phone.replace(/[^0-9+]/g, '')}`;
}
