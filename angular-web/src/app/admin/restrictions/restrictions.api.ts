import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  GroupResponse,
  OperatorRestrictionsRequest,
  OperatorRestrictionsResponse,
  UserResponse,
} from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

@Injectable({ providedIn: 'root' })
export class RestrictionsApi {
  private readonly http = inject(HttpClient);

  users(): Observable<UserResponse[]> {
    return this.http.get<UserResponse[]>(`${API_BASE}/users`);
  }

  groups(): Observable<GroupResponse[]> {
    return this.http.get<GroupResponse[]>(`${API_BASE}/groups`);
  }

  get(userId: number): Observable<OperatorRestrictionsResponse> {
    return this.http.get<OperatorRestrictionsResponse>(`${API_BASE}/users/${userId}/restrictions`);
  }

  set(userId: number, body: OperatorRestrictionsRequest): Observable<OperatorRestrictionsResponse> {
    return this.http.put<OperatorRestrictionsResponse>(`${API_BASE}/users/${userId}/restrictions`, body);
  }
}
