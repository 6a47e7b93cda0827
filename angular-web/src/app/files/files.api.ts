import { HttpClient, HttpEvent } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { FileResponse } from '@avisa/contracts';
import type { Observable } from 'rxjs';
import { API_BASE } from '../core/auth.interceptor';

const FILES = `${API_BASE}/files`;

/** Shared files through the REST API; state changes arrive live through LiveService. */
@Injectable({ providedIn: 'root' })
export class FilesApi {
  private readonly http = inject(HttpClient);

  list(): Observable<FileResponse[]> {
    return this.http.get<FileResponse[]>(FILES);
  }

  /** Multipart, field `file`, with upload progress events. */
  upload(file: File): Observable<HttpEvent<FileResponse>> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<FileResponse>(FILES, body, { reportProgress: true, observe: 'events' });
  }

  /** The bytes of a downloadable file (as the signed-in user: the token travels in a header, never in a link). */
  content(id: string): Observable<Blob> {
    return this.http.get(`${FILES}/${id}/content`, { responseType: 'blob' });
  }

  /** A file a chat message carries, through the room. */
  roomAttachment(roomId: number, messageId: string, fileId: string): Observable<Blob> {
    return this.http.get(`${API_BASE}/rooms/${roomId}/messages/${messageId}/attachments/${fileId}`, {
      responseType: 'blob',
    });
  }

  release(id: string, reason: string): Observable<FileResponse> {
    return this.http.post<FileResponse>(`${FILES}/${id}/release`, { reason });
  }

  delete(id: string): Observable<void> {
    return this.http.delete<void>(`${FILES}/${id}`);
  }
}

/** Offers downloaded bytes to the user under the file's name. */
export function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** 1.5 MB, 820 KB, 12 B. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
