import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection, type Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type {
  ApiTokenResponse,
  DeliveryUpdatePayload,
  FileResponse,
  MessageCreatedPayload,
  PresencePayload,
  ReceiverResponse,
  RoomListChangePayload,
  RoomMembershipPayload,
  RoomMessageResponse,
  RoomReadResponse,
  RoomReceiptsPayload,
  RoomTypingPayload,
  UserResponse,
} from '@avisa/contracts';
import { TranslocoTestingModule } from '@jsverse/transloco';
import { Subject } from 'rxjs';
import { provideDates } from './dates';
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
  readonly roomMessage$ = new Subject<RoomMessageResponse>();
  readonly roomMessageUpdated$ = new Subject<RoomMessageResponse>();
  readonly roomMembership$ = new Subject<RoomMembershipPayload>();
  readonly roomTyping$ = new Subject<RoomTypingPayload>();
  readonly roomReceipts$ = new Subject<RoomReceiptsPayload>();
  readonly roomDeleted$ = new Subject<{ roomId: number }>();
  readonly roomList$ = new Subject<RoomListChangePayload>();
  readonly roomRead$ = new Subject<RoomReadResponse>();
  readonly fileUpdated$ = new Subject<FileResponse>();
  readonly fileDeleted$ = new Subject<{ id: string }>();
  readonly resynced$ = new Subject<void>();
  /** What the client told the server, in order. */
  readonly sent: { event: string; payload: unknown }[] = [];
  send(event: string, payload: unknown): void {
    this.sent.push({ event, payload });
  }
}

export const SESSION_KEY = 'avisa.session';

/** A tab that holds a session for user 1, as after a login. */
export function loggedInStorage(extra: Record<string, string> = {}): Storage {
  const user = { id: 1, username: 'ana', displayName: 'Ana Ruiz', role: 'operator' };
  return memoryStorage({ [SESSION_KEY]: JSON.stringify({ token: 'avs_test', user }), ...extra });
}

/** Transloco with the real strings, Spanish first, so specs read what a user reads. */
export function translocoTesting() {
  return TranslocoTestingModule.forRoot({
    langs: { es: TRANSLATIONS.es, en: TRANSLATIONS.en },
    translocoConfig: { availableLangs: ['es', 'en'], defaultLang: 'es', reRenderOnLangChange: true },
    preloadLangs: true,
  });
}

/**
 * The TestBed a component spec starts from: zoneless, HttpClient answered by HttpTestingController, the real
 * Spanish strings, the app's date pickers and no animations; `imports` and `providers` add the subject and what it
 * needs besides.
 */
export function configureTestBed(imports: unknown[] = [], providers: unknown[] = []): void {
  TestBed.configureTestingModule({
    imports: [translocoTesting(), ...(imports as never[])],
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      provideDates(),
      ...(providers as never[]),
    ],
  });
}

/**
 * Creates `component` once the TestBed is configured and waits until it has rendered; `press(testId)` clicks what
 * carries that test id and waits again.
 */
export async function render<T>(component: Type<T>) {
  const fixture = TestBed.createComponent(component);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const press = async (testId: string): Promise<void> => {
    el.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!.click();
    await fixture.whenStable();
  };
  return { fixture, el, http: TestBed.inject(HttpTestingController), press };
}

/** As `render`, for a screen that loads a list first: its request to `url` is answered with `body`. */
export async function renderLoaded<T>(component: Type<T>, url: string, body: object) {
  const rendered = await render(component);
  rendered.http.expectOne(url).flush(body);
  await rendered.fixture.whenStable();
  return rendered;
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

/** Answers as the server gives them, for specs: `extra` sets what a spec is about, the rest is ordinary. */
const CREATED_AT = '2026-11-01T10:00:00.000Z';

/** A site, enabled and never seen. */
export function aSite(name: string, extra: Partial<ReceiverResponse> = {}): ReceiverResponse {
  return {
    id: name.length,
    name,
    displayName: name.toUpperCase(),
    enabled: true,
    online: false,
    connectedSince: null,
    lastSeenAt: null,
    clientVersion: null,
    address: null,
    createdAt: CREATED_AT,
    postalAddress: null,
    phone: null,
    region: null,
    tags: [],
    notes: null,
    ...extra,
  };
}

/** A site as the operators' screens see it: online since 08:00 or offline. */
export function aReceiver(name: string, online: boolean, extra: Partial<ReceiverResponse> = {}): ReceiverResponse {
  return aSite(name, {
    online,
    connectedSince: online ? '2026-11-22T08:00:00.000Z' : null,
    createdAt: '2026-11-01T08:00:00.000Z',
    ...extra,
  });
}

/** An enabled operator who is not built in. */
export function aUser(id: number, username: string, extra: Partial<UserResponse> = {}): UserResponse {
  return {
    id,
    username,
    displayName: username.toUpperCase(),
    role: 'operator',
    enabled: true,
    builtin: false,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...extra,
  };
}

/** A working token that may send, created by the admin, never used, without expiry. */
export function aToken(id: number, name: string, extra: Partial<ApiTokenResponse> = {}): ApiTokenResponse {
  return {
    id,
    name,
    displayName: name,
    prefix: `avt_${name}`,
    scopes: ['messages:send'],
    createdBy: 'admin',
    createdById: 1,
    creatorStatus: 'active',
    createdAt: CREATED_AT,
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...extra,
  };
}
