export const ACTOR_KINDS = ['user', 'token', 'system', 'anonymous'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface AuditEventResponse {
  id: number;
  at: string;
  actorKind: ActorKind;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  user?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface AuditPage {
  items: AuditEventResponse[];
  total: number;
  page: number;
  pageSize: number;
  lastReadId: number | null;
}

export interface AuditLastReadRequest {
  lastReadId: number;
}

export interface AuditLastReadResponse {
  lastReadId: number | null;
  updatedAt: string | null;
}

/** `GET /api/v1/audit/export`: the same filters as the list, without paging. */
export type AuditExportQuery = Omit<AuditQuery, 'page' | 'pageSize'>;

/** The export holds at most this many rows: the newest that match. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export const AUDIT_CSV_COLUMNS = ['id', 'at', 'actor_kind', 'actor', 'action', 'target', 'ip', 'details'] as const;
