import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, tap, throwError } from 'rxjs';
import { ConnectionStatus } from './connection-status';
import { SessionStore } from './session.store';

export const API_BASE = '/api/v1';

/** Adds the tab's session token to API calls; a 401 means the session ended, so the login dialog comes back. */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(SessionStore);
  const connection = inject(ConnectionStatus);
  const token = session.token();
  const isApi = request.url.startsWith(API_BASE);
  const isLogin = request.url === `${API_BASE}/auth/login`;
  const outgoing =
    isApi && token && !isLogin ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request;
  return next(outgoing).pipe(
    tap(() => isApi && connection.httpResult(true)),
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && isApi) {
        if (error.status === 401 && !isLogin) session.expire();
        connection.httpResult(error.status !== 0);
      }
      return throwError(() => error);
    }),
  );
};
