import type { AuditEventResponse } from '@avisa/contracts';

/** One detail of an audit event as a person reads it: "Motivo" / "contraseña incorrecta". */
export interface DetailItem {
  key: string;
  label: string;
  value: string;
}

/** What describing needs from the app: a translation when the key exists (else null), and dates in its language. */
export interface DetailWords {
  translate(key: string, params?: Record<string, unknown>): string | null;
  dateTime(iso: string): string;
  number(value: number): string;
}

type Value = AuditEventResponse['details'][string];

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SECONDS_KEYS = new Set(['ttlSeconds']);
const BYTES_KEYS = new Set(['size']);
/** Free text people typed: never looked up as a known value. */
const VERBATIM_KEYS = new Set(['text', 'message', 'reply', 'replies', 'name', 'description', 'q', 'file', 'site']);

/** `wrong password` → `wrong_password`, `messages:send` → `messages_send`: the key under `auditDetails.values`. */
const valueKey = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

function label(key: string, words: DetailWords): string {
  return words.translate(`auditDetails.keys.${key}`) ?? words.translate('auditDetails.unlabelled', { key }) ?? key;
}

function text(key: string, value: Value, words: DetailWords): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return words.translate(value ? 'common.yes' : 'common.no') ?? String(value);
  if (typeof value === 'number') {
    const shown = words.number(value);
    if (SECONDS_KEYS.has(key)) return words.translate('auditDetails.seconds', { value: shown }) ?? shown;
    if (BYTES_KEYS.has(key)) return words.translate('auditDetails.bytes', { value: shown }) ?? shown;
    return shown;
  }
  if (typeof value === 'string') {
    if (ISO_INSTANT.test(value)) return words.dateTime(value);
    if (VERBATIM_KEYS.has(key)) return key === 'q' || key === 'text' ? `«${value}»` : value;
    return words.translate(`auditDetails.values.${valueKey(value)}`) ?? value;
  }
  if (Array.isArray(value)) return value.length ? value.map((v: Value) => text(key, v, words)).join(', ') : '—';
  if (typeof value === 'object') {
    const change = value as Record<string, Value>;
    if ('from' in change && 'to' in change && Object.keys(change).length === 2) {
      return `${text(key, change['from'], words)} → ${text(key, change['to'], words)}`;
    }
    const parts = describeDetails(change, words).map((item) => `${item.label}: ${item.value}`);
    return parts.length ? parts.join(', ') : '—';
  }
  return String(value);
}

/**
 * The details of an audit event as labelled values in the app's language: known keys and values translated, dates
 * and numbers in its format, `{ from, to }` as "before → after", nested objects (the export's filters) as sentences.
 */
export function describeDetails(details: Record<string, Value>, words: DetailWords): DetailItem[] {
  const entries = Object.entries(details);
  const plainChange =
    'from' in details && 'to' in details && !ISO_INSTANT.test(String(details['from'] ?? details['to'] ?? ''));
  const items: DetailItem[] = [];
  for (const [key, value] of entries) {
    if (plainChange && key === 'to') continue;
    if (plainChange && key === 'from') {
      const change = `${text(key, value, words)} → ${text(key, details['to'], words)}`;
      items.push({ key: 'change', label: label('change', words), value: change });
      continue;
    }
    items.push({ key, label: label(key, words), value: text(key, value, words) });
  }
  return items;
}

/** The target kinds the server writes (`all`, `receiver:<name>`, `group:<name>`, `room #<id> <name>`), said in words. */
const TARGETS: { pattern: RegExp; key: string; params: (m: RegExpExecArray) => Record<string, string> }[] = [
  { pattern: /^all$/, key: 'all', params: () => ({}) },
  { pattern: /^receiver:(.+)$/s, key: 'receiver', params: (m) => ({ name: m[1] }) },
  { pattern: /^group:(.+)$/s, key: 'group', params: (m) => ({ name: m[1] }) },
  { pattern: /^room #(\d+) (.*)$/s, key: 'room', params: (m) => ({ id: m[1], name: m[2] }) },
];

/** An audit event's target as a person reads it ("Sitio farmacia-norte"); names, users and `#id`s as they are. */
export function describeTarget(target: string | null, words: DetailWords): string {
  if (target === null || target === '') return '—';
  for (const { pattern, key, params } of TARGETS) {
    const match = pattern.exec(target);
    if (match) return words.translate(`auditDetails.targets.${key}`, params(match)) ?? target;
  }
  return target;
}
