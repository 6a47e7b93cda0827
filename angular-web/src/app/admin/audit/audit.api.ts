import { HttpClient, HttpParams, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AuditExportQuery, AuditLastReadResponse, AuditPage, AuditQuery } from '@avisa/contracts';
import { Observable, catchError, throwError } from 'rxjs';
import { withJsonErrorBody } from '../../core/api-error';
import { API_BASE } from '../../core/auth.interceptor';

const BASE = `${API_BASE}/audit`;

function params(query: AuditQuery): HttpParams {
  let out = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') out = out.set(key, String(value));
  }
  return out;
}

@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  search(query: AuditQuery): Observable<AuditPage> {
    return this.http.get<AuditPage>(BASE, { params: params(query) });
  }

  setLastRead(lastReadId: number): Observable<AuditLastReadResponse> {
    return this.http.put<AuditLastReadResponse>(`${BASE}/last-read`, { lastReadId });
  }

  /** The CSV of every row matching the filters, with the file name the server chose. */
  export(query: AuditExportQuery): Observable<HttpResponse<string>> {
    return this.http
      .get(`${BASE}/export`, { params: params(query), responseType: 'text', observe: 'response' })
      .pipe(catchError((error: unknown) => throwError(() => withJsonErrorBody(error))));
  }
}
