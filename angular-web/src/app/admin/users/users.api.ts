import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { CreateUserRequest, Role, UserResponse } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

const BASE = `${API_BASE}/users`;

@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(): Observable<UserResponse[]> {
    return this.http.get<UserResponse[]>(BASE);
  }

  create(body: CreateUserRequest): Observable<UserResponse> {
    return this.http.post<UserResponse>(BASE, body);
  }

  setPassword(id: number, password: string): Observable<void> {
    return this.http.put<void>(`${BASE}/${id}/password`, { password });
  }

  setRole(id: number, role: Role): Observable<UserResponse> {
    return this.http.put<UserResponse>(`${BASE}/${id}/role`, { role });
  }

  setEnabled(id: number, enabled: boolean): Observable<UserResponse> {
    return this.http.put<UserResponse>(`${BASE}/${id}/enabled`, { enabled });
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`${BASE}/${id}`);
  }
}
