import type { ErrorParams } from './errors';

export interface GroupResponse {
  id: number;
  /** The key groups are matched by (`normalizeGroupName`). */
  name: string;
  /** The name exactly as typed ("Zona Norte"), shown in lists and pickers. */
  displayName: string;
  members: string[];
  createdAt: string;
  updatedAt: string;
}

export interface GroupRequest {
  /** As typed: kept as the display name; its normalized form is the group's key. */
  name: string;
  members: string[];
}

export interface GroupInfoResponse {
  name: string;
  online: string[];
  offline: string[];
  /** Members that name no site. */
  unknown: string[];
}

export interface ImportProblem {
  line: number;
  /** English, for scripts; `code` and `params` (see `ERROR_CATALOGUE`) are what the web app translates. */
  message: string;
  code: string;
  params: ErrorParams;
}

export interface GroupImportReport {
  file: string | null;
  imported: boolean;
  groups: number;
  members: number;
  errors: ImportProblem[];
  /** Members that name no site yet: imported anyway. */
  warnings: ImportProblem[];
  /** With `dryRun`: each group the file holds, by line, as it would be stored (for a preview). */
  preview?: { line: number; name: string; displayName: string; members: string[] }[];
}

export interface OperatorRestrictionsResponse {
  userId: number;
  restricted: boolean;
  allowGlobal: boolean;
  groups: string[];
}

export interface OperatorRestrictionsRequest {
  restricted: boolean;
  allowGlobal?: boolean;
  groups?: string[];
}

/** "  Zona   NORTE " and "zona norte" are one group; members are site names (`normalizeName`). */
export function normalizeGroupName(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}
