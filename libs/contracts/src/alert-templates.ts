/**
 * An alert whose text holds placeholders is a template: each site receives it filled with its own values, while the
 * stored alert keeps the placeholders. Spanish and English spellings are both accepted.
 */
export const TEMPLATE_PLACEHOLDERS = {
  site: ['{sitio}', '{site}'],
  date: ['{fecha}', '{date}'],
} as const;

const PLACEHOLDER = /\{(sitio|site|fecha|date)\}/g;

export interface TemplateValues {
  /** The site's display name (its name when it has none). */
  site: string;
  /** The alert's send date, already formatted. */
  date: string;
}

export function isTemplate(text: string): boolean {
  return /\{(sitio|site|fecha|date)\}/.test(text);
}

export function fillTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_, name: string) =>
    name === 'sitio' || name === 'site' ? values.site : values.date,
  );
}

/** `{fecha}` as sites read it: dd/mm/yyyy, in `timeZone` (the process's own zone when not given). */
export function templateDate(at: number, timeZone?: string): string {
  if (timeZone !== undefined) return new Intl.DateTimeFormat('es-ES', { ...DATE_PARTS, timeZone }).format(at);
  localDates ??= new Intl.DateTimeFormat('es-ES', DATE_PARTS);
  return localDates.format(at);
}

const DATE_PARTS = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;
let localDates: Intl.DateTimeFormat | undefined;
