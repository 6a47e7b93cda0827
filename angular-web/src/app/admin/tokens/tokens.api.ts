import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ApiTokenResponse, CreateApiTokenRequest, CreatedApiTokenResponse } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

const BASE = `${API_BASE}/api-tokens`;

@Injectable({ providedIn: 'root' })
export class TokensApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ApiTokenResponse[]> {
    return this.http.get<ApiTokenResponse[]>(BASE);
  }

  create(body: CreateApiTokenRequest): Observable<CreatedApiTokenResponse> {
    return this.http.post<CreatedApiTokenResponse>(BASE, body);
  }

  /** The token stays listed, as revoked. */
  revoke(id: number): Observable<ApiTokenResponse> {
    return this.http.delete<ApiTokenResponse>(`${BASE}/${id}`);
  }
}
