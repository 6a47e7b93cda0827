import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  GroupResponse,
  HistoryFilters,
  MessageDetailResponse,
  MessageResponse,
  Page,
  PhraseResponse,
  ReceiverResponse,
  ScheduledMessageResponse,
  SendMessageRequest,
  SendMessageResponse,
  UpdateScheduledMessageRequest,
} from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

export interface HistoryQuery extends HistoryFilters {
  page: number;
  pageSize: number;
}

/** What the compose, sites and history screens read and send. */
@Injectable({ providedIn: 'root' })
export class OperatorApi {
  private readonly http = inject(HttpClient);

  receivers(): Observable<ReceiverResponse[]> {
    return this.http.get<ReceiverResponse[]>(`${API_BASE}/receivers`);
  }

  groups(): Observable<GroupResponse[]> {
    return this.http.get<GroupResponse[]>(`${API_BASE}/groups`);
  }

  phrases(): Observable<PhraseResponse[]> {
    return this.http.get<PhraseResponse[]>(`${API_BASE}/phrases`);
  }

  send(request: SendMessageRequest): Observable<SendMessageResponse> {
    return this.http.post<SendMessageResponse>(`${API_BASE}/messages`, request);
  }

  /** A send with `sendAt`: stored until then (202). */
  schedule(request: SendMessageRequest & { sendAt: string }): Observable<ScheduledMessageResponse> {
    return this.http.post<ScheduledMessageResponse>(`${API_BASE}/messages`, request);
  }

  scheduled(): Observable<ScheduledMessageResponse[]> {
    return this.http.get<ScheduledMessageResponse[]>(`${API_BASE}/messages/scheduled`);
  }

  updateScheduled(id: string, changes: UpdateScheduledMessageRequest): Observable<ScheduledMessageResponse> {
    return this.http.patch<ScheduledMessageResponse>(
      `${API_BASE}/messages/scheduled/${encodeURIComponent(id)}`,
      changes,
    );
  }

  cancelScheduled(id: string): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/messages/scheduled/${encodeURIComponent(id)}`);
  }

  history(query: HistoryQuery): Observable<Page<MessageResponse>> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) if (value) params = params.set(key, value as string | number);
    return this.http.get<Page<MessageResponse>>(`${API_BASE}/messages`, { params });
  }

  message(id: string): Observable<MessageDetailResponse> {
    return this.http.get<MessageDetailResponse>(`${API_BASE}/messages/${encodeURIComponent(id)}`);
  }

  retract(id: string): Observable<MessageResponse> {
    return this.http.post<MessageResponse>(`${API_BASE}/messages/${encodeURIComponent(id)}/retract`, {});
  }
}
