import type { DeliveryState, DeliverySort, DeliveriesQuery, SortOrder } from '@avisa/contracts';

/** What the sites table is showing: states picked (none = all), the search, the column and direction, the page. */
export interface DeliveriesView {
  states: readonly DeliveryState[];
  q: string;
  sort: DeliverySort;
  order: SortOrder;
  page: number;
  pageSize: number;
}

export const FIRST_VIEW: DeliveriesView = { states: [], q: '', sort: 'receiver', order: 'asc', page: 0, pageSize: 100 };

/** The view as the API's query; without the paging, the CSV export's. */
export function deliveriesQuery(view: DeliveriesView, paged = true): DeliveriesQuery {
  return {
    ...(view.states.length ? { state: view.states.join(',') } : {}),
    ...(view.q.trim() ? { q: view.q.trim() } : {}),
    sort: view.sort,
    order: view.order,
    ...(paged ? { page: view.page + 1, pageSize: view.pageSize } : {}),
  };
}

/** Sites that have not read the alert, expired copies included: what a copy of it as a new alert goes to. */
export const NOT_READ_STATES: readonly DeliveryState[] = ['queued', 'sent', 'delivered', 'expired'];

const GROUP_NAME_MAX = 128;

/** `<prefix> 2026-12-04 10:30 · <start of the text>`, within a group name's length. */
export function copyGroupName(prefix: string, text: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const head = `${prefix} ${when} · `;
  const excerpt = text.replace(/\s+/g, ' ').trim();
  const room = GROUP_NAME_MAX - [...head].length;
  const chars = [...excerpt];
  return head + (chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : excerpt);
}

/** The file name from `Content-Disposition: attachment; filename="…"`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}
