import type { AuditExportQuery } from '@avisa/contracts';
import esAdmin from '../../../i18n/es/admin.json';
import esAuditDetails from '../../../i18n/es/audit-details.json';

/** What the filter fields hold: `datetime-local` values (local time) and free text. */
export interface AuditFilterValue {
  from: string;
  to: string;
  user: string;
  text: string;
}

export const EMPTY_FILTERS: AuditFilterValue = { from: '', to: '', user: '', text: '' };

const MINUTE_ONLY = /T\d{2}:\d{2}$/;

/** A local date-time as an instant; an unreadable one goes as typed, so the server names the field. */
function instant(value: string, endOfMinute: boolean): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  // The inputs pick minutes: "until 10:30" includes what happened during 10:30.
  return new Date(endOfMinute && MINUTE_ONLY.test(value) ? ms + 59_999 : ms).toISOString();
}

export function toAuditQuery(filters: AuditFilterValue): AuditExportQuery {
  const query: AuditExportQuery = {};
  if (filters.from) query.from = instant(filters.from, false);
  if (filters.to) query.to = instant(filters.to, true);
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
