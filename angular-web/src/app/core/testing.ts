import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { DeliveryUpdatePayload, MessageCreatedPayload, PresencePayload } from '@avisa/contracts';
import { TranslocoTestingModule } from '@jsverse/transloco';
import { Subject } from 'rxjs';
import { TRANSLATIONS } from './i18n';

/** Storage kept in memory, standing in for the tab's sessionStorage in specs. */
export function memoryStorage(initial: Record<string, string> = {}): Storage {
  const data = new Map<string, string>(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

/** The live socket's subjects without a socket, for specs to push events through. */
export class FakeLive {
  readonly presence$ = new Subject<PresencePayload>();
  readonly deliveryUpdated$ = new Subject<DeliveryUpdatePayload>();
  readonly messageCreated$ = new Subject<MessageCreatedPayload>();
  readonly messageRetracted$ = new Subject<{ id: string }>();
  readonly resynced$ = new Subject<void>();
}

export const SESSION_KEY = 'avisa.session';

/** A tab that holds a session for user 1, as after a login. */
export function loggedInStorage(extra: Record<string, string> = {}): Storage {
  const user = { id: 1, username: 'ana', displayName: 'Ana Ruiz', role: 'operator' };
  return memoryStorage({ [SESSION_KEY]: JSON.stringify({ token: 'avs_test', user }), ...extra });
}

/** Transloco with the real Spanish strings, so specs read what a user reads. */
export function translocoTesting() {
  return TranslocoTestingModule.forRoot({
    langs: { es: TRANSLATIONS.es },
    translocoConfig: { availableLangs: ['es'], defaultLang: 'es' },
    preloadLangs: true,
  });
}

/**
 * The TestBed a component spec starts from: zoneless, HttpClient answered by HttpTestingController, the real
 * Spanish strings and no animations; `imports` and `providers` add the subject and what it needs besides.
 */
export function configureTestBed(imports: unknown[] = [], providers: unknown[] = []): void {
  TestBed.configureTestingModule({
    imports: [translocoTesting(), ...(imports as never[])],
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ...(providers as never[]),
    ],
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The server's error answer, for `request.flush(...serverError(403, 'admins only'))`. */
export function serverError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): [Record<string, unknown>, { status: number; statusText: string }] {
  const statusText = STATUS_TEXT[status] ?? 'Error';
  return [
    { statusCode: status, error: statusText, message, ...extra },
    { status, statusText },
  ];
}
