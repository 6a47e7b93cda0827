import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  GroupImportReport,
  GroupInfoResponse,
  GroupRequest,
  GroupResponse,
  ReceiverResponse,
} from '@avisa/contracts';
import { Observable, map } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

const GROUPS = `${API_BASE}/groups`;
/** The server's longest group name. */
export const GROUP_NAME_MAX = 128;
const byName = (name: string) => `${GROUPS}/${encodeURIComponent(name)}`;

@Injectable({ providedIn: 'root' })
export class GroupsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<GroupResponse[]> {
    return this.http.get<GroupResponse[]>(GROUPS);
  }

  create(body: GroupRequest): Observable<GroupResponse> {
    return this.http.post<GroupResponse>(GROUPS, body);
  }

  update(currentName: string, body: GroupRequest): Observable<GroupResponse> {
    return this.http.put<GroupResponse>(byName(currentName), body);
  }

  delete(name: string): Observable<void> {
    return this.http.delete<void>(byName(name));
  }

  info(name: string): Observable<GroupInfoResponse> {
    return this.http.get<GroupInfoResponse>(`${byName(name)}/info`);
  }

  /**
   * The server validates the whole file and imports all of it or nothing; a refusal carries the report too.
   * With `dryRun` it answers the same report (200) and imports nothing: the preview.
   */
  import(csv: string, fileName: string | null, dryRun = false): Observable<GroupImportReport> {
    const params: Record<string, string | boolean> = fileName ? { filename: fileName } : {};
    if (dryRun) params['dryRun'] = true;
    return this.http.post<GroupImportReport>(`${GROUPS}/import`, csv, {
      headers: { 'Content-Type': 'text/csv' },
      params,
    });
  }

  export(): Observable<string> {
    return this.http.get(`${GROUPS}/export`, { responseType: 'text' });
  }

  /** Site names for the members autocomplete. */
  siteNames(): Observable<string[]> {
    return this.http
      .get<ReceiverResponse[]>(`${API_BASE}/receivers`)
      .pipe(map((sites) => sites.map((s) => s.name).sort((a, b) => a.localeCompare(b))));
  }
}
