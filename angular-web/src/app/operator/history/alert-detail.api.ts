import { HttpClient, HttpParams, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { DeliveriesPage, DeliveriesQuery, ResendUnreadResponse } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

const messageUrl = (id: string) => `${API_BASE}/messages/${encodeURIComponent(id)}`;

function paramsOf(query: DeliveriesQuery): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params = params.set(key, value as string | number);
  }
  return params;
}

/** One alert's copies site by site, their CSV, and a reminder round to the unread sites. */
@Injectable({ providedIn: 'root' })
export class AlertDetailApi {
  private readonly http = inject(HttpClient);

  deliveries(id: string, query: DeliveriesQuery): Observable<DeliveriesPage> {
    return this.http.get<DeliveriesPage>(`${messageUrl(id)}/deliveries`, { params: paramsOf(query) });
  }

  exportCsv(id: string, query: Omit<DeliveriesQuery, 'page' | 'pageSize'>): Observable<HttpResponse<string>> {
    return this.http.get(`${messageUrl(id)}/deliveries/export`, {
      params: paramsOf(query),
      observe: 'response',
      responseType: 'text',
    });
  }

  resendUnread(id: string): Observable<ResendUnreadResponse> {
    return this.http.post<ResendUnreadResponse>(`${messageUrl(id)}/resend-unread`, {});
  }
}
