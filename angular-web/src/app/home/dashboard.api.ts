import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { DashboardResponse } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../core/auth.interceptor';

@Injectable({ providedIn: 'root' })
export class DashboardApi {
  private readonly http = inject(HttpClient);

  get(): Observable<DashboardResponse> {
    return this.http.get<DashboardResponse>(`${API_BASE}/dashboard`);
  }
}
