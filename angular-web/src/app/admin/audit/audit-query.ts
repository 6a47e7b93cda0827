import type { AuditExportQuery } from '@avisa/contracts';
import { endOfDay, endOfMinute, startOfDay } from 'date-fns';
import { atTime } from '../../core/dates';
import esAdmin from '../../../i18n/es/admin.json';
import esAuditDetails from '../../../i18n/es/audit-details.json';

/** What the filter fields hold: days and times of day as picked (the browser's zone), and free text. */
export interface AuditFilterValue {
  from: Date | null;
  fromTime: Date | null;
  to: Date | null;
  toTime: Date | null;
  user: string;
  text: string;
}

export const EMPTY_FILTERS: AuditFilterValue = {
  from: null,
  fromTime: null,
  to: null,
  toTime: null,
  user: '',
  text: '',
};

/**
 * The instants the API takes. The fields pick minutes, so "until 10:30" includes what happened during 10:30; a day
 * without a time is the whole day. A time without a day is left out.
 */
export function toAuditQuery(filters: AuditFilterValue): AuditExportQuery {
  const query: AuditExportQuery = {};
  if (filters.from) query.from = (atTime(filters.from, filters.fromTime) ?? startOfDay(filters.from)).toISOString();
  if (filters.to) {
    const minute = atTime(filters.to, filters.toTime);
    query.to = (minute ? endOfMinute(minute) : endOfDay(filters.to)).toISOString();
  }
  if (filters.user.trim()) query.user = filters.user.trim();
  if (filters.text.trim()) query.q = filters.text.trim();
  return query;
}

/** `user.role.changed` → `user_role_changed`, the key of its label under `audit.actions`. */
export function actionKey(action: string): string {
  return action.replace(/[.-]/g, '_');
}

const LABELLED_ACTIONS = new Set(Object.keys(esAdmin.audit.actions));
const MORE_LABELLED_ACTIONS = new Set(Object.keys(esAuditDetails.auditDetails.actions));

/** Translation key of an action's label, or null for an action this version of the app does not know. */
export function actionLabelKey(action: string): string | null {
  const key = actionKey(action);
  if (LABELLED_ACTIONS.has(key)) return `audit.actions.${key}`;
  return MORE_LABELLED_ACTIONS.has(key) ? `auditDetails.actions.${key}` : null;
}

/** `m:ss`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The file name from `Content-Disposition: attachment; filename="…"`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}
