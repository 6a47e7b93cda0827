import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { PhraseResponse } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { API_BASE } from '../../core/auth.interceptor';

const PHRASES = `${API_BASE}/phrases`;

/** The shared quick phrases; every change answers the whole ordered list. */
@Injectable({ providedIn: 'root' })
export class PhrasesApi {
  private readonly http = inject(HttpClient);

  list(): Observable<PhraseResponse[]> {
    return this.http.get<PhraseResponse[]>(PHRASES);
  }

  create(text: string): Observable<PhraseResponse[]> {
    return this.http.post<PhraseResponse[]>(PHRASES, { text });
  }

  update(id: number, text: string): Observable<PhraseResponse[]> {
    return this.http.patch<PhraseResponse[]>(`${PHRASES}/${id}`, { text });
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`${PHRASES}/${id}`);
  }

  reorder(ids: number[]): Observable<PhraseResponse[]> {
    return this.http.put<PhraseResponse[]>(`${PHRASES}/order`, { ids });
  }
}
