import type { MessageResponse } from './messages';

/** `GET /api/v1/dashboard`: the home screen of operators and admins, narrowed for an operator restricted to groups. */
export const DASHBOARD_DAYS = 30;
export const DASHBOARD_OFFLINE_LISTED = 10;
export const DASHBOARD_LAST_ALERTS = 5;
export const DASHBOARD_URGENT_LISTED = 20;

/** A site offline now, with when it was last seen (or, never connected, when it was created). */
export interface DashboardOfflineSite {
  name: string;
  displayName: string;
  /** Offline since: the end of its last connection, or its creation when it never connected. */
  since: string;
  neverConnected: boolean;
}

export interface DashboardSites {
  /** Enabled sites the caller sees. */
  total: number;
  online: number;
  offline: number;
  /** Disabled sites, counted apart (they cannot connect). */
  disabled: number;
  /** The enabled sites offline the longest, longest first (never connected ones first of all). */
  offlineLongest: DashboardOfflineSite[];
}

/** Alerts sent since midnight in the server's time zone, and how many of their copies were read. */
export interface DashboardToday {
  since: string;
  alerts: number;
  /** Copies of those alerts that count for the read rate: every copy but retracted and cancelled ones. */
  copies: number;
  read: number;
  /** `read / copies`, between 0 and 1; null when there is no copy. */
  readRate: number | null;
}

/** An urgent alert some sites left unread after every reminder (the deliveries the server flagged). */
export interface DashboardUrgentUnread {
  id: string;
  text: string;
  senderDisplay: string;
  createdAt: string;
  /** How many sites have it flagged and still unread. */
  sites: number;
  /** Their names, the first DASHBOARD_OFFLINE_LISTED in name order. */
  siteNames: string[];
}

export interface DashboardDay {
  /** `YYYY-MM-DD`, a day in the server's time zone. */
  date: string;
  alerts: number;
}

export interface DashboardResponse {
  generatedAt: string;
  /** The caller is an operator restricted to some groups: every figure covers only those. */
  restricted: boolean;
  /** The IANA time zone whose days `today` and `perDay` count in (the server's). */
  timeZone: string;
  sites: DashboardSites;
  today: DashboardToday;
  /** Urgent alerts still within their validity, flagged unread at one site or more; newest first. */
  urgentUnread: DashboardUrgentUnread[];
  /** The newest alerts with their counts (kept live by `deliveries.updated`). */
  lastAlerts: MessageResponse[];
  /** DASHBOARD_DAYS days, oldest first, today last. */
  perDay: DashboardDay[];
}
