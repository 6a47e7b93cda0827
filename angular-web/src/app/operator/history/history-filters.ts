import type { ParamMap, Params } from '@angular/router';
import { PRIORITIES, TARGET_KINDS, type HistoryFilters, type Priority, type TargetKind } from '@avisa/contracts';
import { fromBareDate, toBareDate } from '../../core/dates';

/** The filters as the URL keeps them: bare dates (`YYYY-MM-DD`), texts and choices; '' for "any". */
export interface HistoryFilterValue {
  from: string;
  to: string;
  sender: string;
  targetKind: TargetKind | '';
  target: string;
  priority: Priority | '';
  q: string;
}

export const NO_FILTERS: HistoryFilterValue = {
  from: '',
  to: '',
  sender: '',
  targetKind: '',
  target: '',
  priority: '',
  q: '',
};

/** What the fields hold: the days picked, the rest as in the URL. */
export type HistoryFilterFields = Omit<HistoryFilterValue, 'from' | 'to'> & { from: Date | null; to: Date | null };

const KEYS = Object.keys(NO_FILTERS) as (keyof HistoryFilterValue)[];

/** The filters a link carries; what the app would not have written is left out. */
export function filtersFromUrl(params: ParamMap): HistoryFilterValue {
  const text = (key: string) => (params.get(key) ?? '').slice(0, 200);
  const date = (key: string) => toBareDate(fromBareDate(text(key)));
  const kind = text('targetKind') as TargetKind;
  const priority = text('priority') as Priority;
  return {
    from: date('from'),
    to: date('to'),
    sender: text('sender'),
    targetKind: TARGET_KINDS.includes(kind) ? kind : '',
    target: TARGET_KINDS.includes(kind) && kind !== 'all' ? text('target') : '',
    priority: PRIORITIES.includes(priority) ? priority : '',
    q: text('q'),
  };
}

/** Only the filters set, trimmed: the URL's query string (null removes a parameter). */
export function filtersToUrl(value: HistoryFilterValue): Params {
  const trimmed: HistoryFilterValue = {
    ...value,
    sender: value.sender.trim(),
    target: value.target.trim(),
    q: value.q.trim(),
  };
  if (!trimmed.targetKind || trimmed.targetKind === 'all') trimmed.target = '';
  return Object.fromEntries(KEYS.map((key) => [key, trimmed[key] || null]));
}

/** The API's query parameters for the same filters. */
export function toHistoryFilters(value: HistoryFilterValue): HistoryFilters {
  return Object.fromEntries(Object.entries(filtersToUrl(value)).filter(([, v]) => v !== null)) as HistoryFilters;
}

export function hasFilters(value: HistoryFilterValue): boolean {
  return KEYS.some((key) => value[key] !== '');
}

export function toFilterFields(value: HistoryFilterValue): HistoryFilterFields {
  return { ...value, from: fromBareDate(value.from), to: fromBareDate(value.to) };
}

export function fromFilterFields(fields: HistoryFilterFields): HistoryFilterValue {
  return { ...fields, from: toBareDate(fields.from), to: toBareDate(fields.to) };
}

/** Whether both put the same query string in the URL. */
export function sameFilters(a: HistoryFilterValue, b: HistoryFilterValue): boolean {
  const [x, y] = [filtersToUrl(a), filtersToUrl(b)];
  return KEYS.every((key) => x[key] === y[key]);
}
