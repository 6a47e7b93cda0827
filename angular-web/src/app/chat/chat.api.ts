import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  CreateRoomRequest,
  RoomMemberResponse,
  RoomMessageReceiptsResponse,
  RoomMessageResponse,
  RoomMessagesPage,
  RoomPerson,
  RoomReadResponse,
  RoomResponse,
  RoomRole,
  RoomSearchHit,
  UpdateRoomRequest,
} from '@avisa/contracts';
import type { Observable } from 'rxjs';
import { API_BASE } from '../core/auth.interceptor';

const ROOMS = `${API_BASE}/rooms`;

/** Chat rooms through the REST API; live changes arrive through LiveService. */
@Injectable({ providedIn: 'root' })
export class ChatApi {
  private readonly http = inject(HttpClient);

  rooms(all = false): Observable<RoomResponse[]> {
    return this.http.get<RoomResponse[]>(ROOMS, { params: all ? { all: 'true' } : {} });
  }

  room(id: number): Observable<RoomResponse> {
    return this.http.get<RoomResponse>(`${ROOMS}/${id}`);
  }

  create(request: CreateRoomRequest): Observable<RoomResponse> {
    return this.http.post<RoomResponse>(ROOMS, request);
  }

  update(id: number, request: UpdateRoomRequest): Observable<RoomResponse> {
    return this.http.patch<RoomResponse>(`${ROOMS}/${id}`, request);
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`${ROOMS}/${id}`);
  }

  join(id: number): Observable<RoomResponse> {
    return this.http.post<RoomResponse>(`${ROOMS}/${id}/join`, {});
  }

  joinWithCode(code: string, password: string): Observable<RoomResponse> {
    return this.http.post<RoomResponse>(`${ROOMS}/join`, { code, ...(password ? { password } : {}) });
  }

  leave(id: number): Observable<void> {
    return this.http.post<void>(`${ROOMS}/${id}/leave`, {});
  }

  members(id: number): Observable<RoomMemberResponse[]> {
    return this.http.get<RoomMemberResponse[]>(`${ROOMS}/${id}/members`);
  }

  candidates(id: number, q: string): Observable<RoomPerson[]> {
    return this.http.get<RoomPerson[]>(`${ROOMS}/${id}/candidates`, { params: { q } });
  }

  setMember(id: number, userId: number, role: RoomRole): Observable<RoomMemberResponse> {
    return this.http.put<RoomMemberResponse>(`${ROOMS}/${id}/members/${userId}`, { role });
  }

  removeMember(id: number, userId: number): Observable<void> {
    return this.http.delete<void>(`${ROOMS}/${id}/members/${userId}`);
  }

  /** Newest first before `before` (a cursor), or oldest first after `after` (a seq). */
  messages(id: number, page: { before?: string; after?: number; limit?: number } = {}): Observable<RoomMessagesPage> {
    let params = new HttpParams();
    if (page.before) params = params.set('before', page.before);
    if (page.after !== undefined) params = params.set('after', page.after);
    if (page.limit) params = params.set('limit', page.limit);
    return this.http.get<RoomMessagesPage>(`${ROOMS}/${id}/messages`, { params });
  }

  post(id: number, text: string, attachments: string[] = []): Observable<RoomMessageResponse> {
    return this.http.post<RoomMessageResponse>(`${ROOMS}/${id}/messages`, {
      text,
      ...(attachments.length ? { attachments } : {}),
    });
  }

  edit(id: number, messageId: string, text: string): Observable<RoomMessageResponse> {
    return this.http.patch<RoomMessageResponse>(`${ROOMS}/${id}/messages/${messageId}`, { text });
  }

  deleteMessage(id: number, messageId: string): Observable<void> {
    return this.http.delete<void>(`${ROOMS}/${id}/messages/${messageId}`);
  }

  receipts(id: number, messageId: string): Observable<RoomMessageReceiptsResponse> {
    return this.http.get<RoomMessageReceiptsResponse>(`${ROOMS}/${id}/messages/${messageId}/receipts`);
  }

  read(id: number, seq: number): Observable<RoomReadResponse> {
    return this.http.put<RoomReadResponse>(`${ROOMS}/${id}/read`, { seq });
  }

  search(q: string): Observable<RoomSearchHit[]> {
    return this.http.get<RoomSearchHit[]>(`${ROOMS}/search`, { params: { q } });
  }
}
