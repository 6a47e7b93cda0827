import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  BulkSitesReport,
  CreateReceiverRequest,
  ReceiverConnectionResponse,
  ReceiverResponse,
  ReceiverWithKeyResponse,
  UpdateReceiverRequest,
} from '@avisa/contracts';
import { Observable, catchError, throwError } from 'rxjs';
import { withJsonErrorBody } from '../../core/api-error';
import { API_BASE } from '../../core/auth.interceptor';

const BASE = `${API_BASE}/receivers`;

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
}
