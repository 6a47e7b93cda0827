import type { ErrorParams, ErrorParamValue } from '@avisa/contracts';
import { TRANSLATIONS, type Language } from './i18n';

type Tree = { [key: string]: string | Tree };

function lookup(language: Language, path: string[]): string | null {
  let node: string | Tree | undefined = TRANSLATIONS[language] as Tree;
  for (const part of path) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : null;
}

/** `{{ name }}` placeholders filled in; null when the text needs a param the error did not bring. */
function fill(text: string, values: Record<string, string>): string | null {
  let missing = false;
  const filled = text.replace(/{{\s*(\w+)\s*}}/g, (_all, name: string) => {
    if (name in values) return values[name];
    missing = true;
    return '';
  });
  return missing ? null : filled;
}

/** `target.name` → "Destino", `members[2]` → "Miembros 3"; a field the app has no label for keeps its API name. */
function fieldLabel(language: Language, path: string): string {
  const indexed = /^(.+)\[(\d+)\]$/.exec(path);
  const base = indexed ? indexed[1] : path;
  const label = lookup(language, ['apiFields', base.replace(/\./g, '_')]);
  if (!label) return path;
  return indexed ? `${label} ${Number(indexed[2]) + 1}` : label;
}

function shown(language: Language, key: string, value: ErrorParamValue, params: ErrorParams): string {
  if (key === 'field') return fieldLabel(language, String(value));
  if (key === 'fields' && Array.isArray(value)) return value.map((f) => fieldLabel(language, f)).join(', ');
  if (key === 'roles' && Array.isArray(value)) {
    return value.map((r) => lookup(language, ['roles', r]) ?? r).join(lookup(language, ['apiErrors', 'or']) ?? ', ');
  }
  if (key === 'problem') {
    const text = lookup(language, ['apiErrors', 'nameProblems', String(value)]);
    return (text && fill(text, { min: String(params['min']), max: String(params['max']) })) ?? String(value);
  }
  const [open, close] = language === 'es' ? ['«', '»'] : ['“', '”'];
  if (Array.isArray(value)) return value.map((v) => (key === 'values' ? v : `${open}${v}${close}`)).join(', ');
  return String(value ?? '');
}

/** A bundled string with its `{{ params }}` filled, or null when the key is missing or a param is. */
export function bundledText(language: Language, key: string, params: Record<string, unknown> = {}): string | null {
  const text = lookup(language, key.split('.'));
  return text === null ? null : fill(text, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
}

/** The app's language, as `LanguageService` sets it on the page; Spanish unless English was chosen. */
function currentLanguage(): Language {
  return globalThis.document?.documentElement.lang === 'en' ? 'en' : 'es';
}

/**
 * A server refusal in the app's language, from its stable code and params (`apiErrors.<code>` in errors.json), or
 * null for a code this version of the app cannot say (the caller shows the server's English message instead).
 */
export function apiErrorText(code: string, params: ErrorParams, language = currentLanguage()): string | null {
  const text = lookup(language, ['apiErrors', ...code.split('.')]);
  if (!text) return null;
  const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, shown(language, k, v, params)]));
  return fill(text, values);
}
