import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  BulkSitesReport,
  CreateReceiverRequest,
  InstallerRequest,
  ReceiverConnectionResponse,
  ReceiverResponse,
  ReceiverUpdatesResponse,
  ReceiverWithKeyResponse,
  RolloutResponse,
  StartRolloutRequest,
  UpdateReceiverRequest,
} from '@avisa/contracts';
import { Observable, catchError, map, throwError } from 'rxjs';
import { withJsonErrorBody } from '../../core/api-error';
import { API_BASE } from '../../core/auth.interceptor';

const BASE = `${API_BASE}/receivers`;
const UPDATES = `${API_BASE}/receiver-updates`;

/** A file the server made for download: its name (from Content-Disposition), type and text. */
export interface DownloadedFile {
  fileName: string;
  type: string;
  content: string;
}

@Injectable({ providedIn: 'root' })
export class AdminSitesApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ReceiverResponse[]> {
    return this.http.get<ReceiverResponse[]>(BASE);
  }

  create(body: CreateReceiverRequest): Observable<ReceiverWithKeyResponse> {
    return this.http.post<ReceiverWithKeyResponse>(BASE, body);
  }

  /** What the CSV would create and each problem by line; creates nothing (the server's dry run). */
  checkBulk(csv: string): Observable<BulkSitesReport> {
    return this.http.post<BulkSitesReport>(`${BASE}/bulk`, csv, {
      headers: { 'content-type': 'text/csv' },
      params: { dryRun: true },
    });
  }

  /** Sends the CSV of names; answers the CSV of `name,key`. */
  provision(csv: string): Observable<string> {
    return this.http
      .post(`${BASE}/bulk`, csv, { headers: { 'content-type': 'text/csv' }, responseType: 'text' })
      .pipe(catchError((error: unknown) => throwError(() => withJsonErrorBody(error))));
  }

  update(name: string, body: UpdateReceiverRequest): Observable<ReceiverResponse> {
    return this.http.patch<ReceiverResponse>(`${BASE}/${encodeURIComponent(name)}`, body);
  }

  rotateKey(name: string): Observable<ReceiverWithKeyResponse> {
    return this.http.post<ReceiverWithKeyResponse>(`${BASE}/${encodeURIComponent(name)}/rotate-key`, null);
  }

  delete(name: string): Observable<void> {
    return this.http.delete<void>(`${BASE}/${encodeURIComponent(name)}`);
  }

  connections(name: string): Observable<ReceiverConnectionResponse[]> {
    return this.http.get<ReceiverConnectionResponse[]>(`${BASE}/${encodeURIComponent(name)}/connections`);
  }

  /** The site's installer script, made with the key the admin was just shown. */
  installer(name: string, body: InstallerRequest): Observable<DownloadedFile> {
    return this.http
      .post(`${BASE}/${encodeURIComponent(name)}/installer`, body, { observe: 'response', responseType: 'text' })
      .pipe(
        map((response) => ({
          fileName: attachmentName(response.headers.get('content-disposition')) ?? `avisa-install-${name}`,
          type: response.headers.get('content-type') ?? 'text/plain;charset=utf-8',
          content: response.body ?? '',
        })),
        catchError((error: unknown) => throwError(() => withJsonErrorBody(error))),
      );
  }

  /** The version the server serves, the rollout in force and each site's last update report. */
  updates(): Observable<ReceiverUpdatesResponse> {
    return this.http.get<ReceiverUpdatesResponse>(UPDATES);
  }

  startRollout(body: StartRolloutRequest): Observable<RolloutResponse> {
    return this.http.post<RolloutResponse>(UPDATES, body);
  }

  cancelRollout(): Observable<void> {
    return this.http.delete<void>(UPDATES);
  }
}

function attachmentName(disposition: string | null): string | null {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? null;
}
