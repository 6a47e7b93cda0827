import { Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import type { LoginResponse, Role } from '@avisa/contracts';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

/** Why the login dialog is showing: first visit, the session ended on the server, or the user logged out. */
export type LoginReason = 'new' | 'expired' | 'logged-out';

interface StoredSession {
  token: string;
  user: SessionUser;
}

/** Per-tab storage: a new tab starts without a session, so it asks to log in again. */
export const SESSION_STORAGE = new InjectionToken<Storage>('SESSION_STORAGE', {
  providedIn: 'root',
  factory: () => sessionStorage,
});

const KEY = 'avisa.session';

@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly initial = this.read();

  readonly token = signal<string | null>(this.initial?.token ?? null);
  /** Kept when the session expires, so the screens (and what was typed in them) stay behind the login dialog. */
  readonly user = signal<SessionUser | null>(this.initial?.user ?? null);
  readonly loginReason = signal<LoginReason>('new');
  readonly authenticated = computed(() => this.token() !== null);
  readonly isAdmin = computed(() => this.user()?.role === 'admin');
  /** A member (chat and files only); unknown until someone logs in. */
  readonly isMember = computed(() => this.user()?.role === 'member');

  /** Returns false when someone else logged in over an expired session (the screens must start afresh). */
  start(response: LoginResponse): boolean {
    const previous = this.user();
    const user: SessionUser = { ...response.user };
    this.token.set(response.token);
    this.user.set(user);
    this.storage.setItem(KEY, JSON.stringify({ token: response.token, user } satisfies StoredSession));
    return previous === null || previous.id === user.id;
  }

  /** The server no longer accepts the token: ask for the password again, keep the screens. */
  expire(): void {
    if (this.token() === null) return;
    this.token.set(null);
    this.loginReason.set('expired');
    this.storage.removeItem(KEY);
  }

  end(): void {
    this.token.set(null);
    this.user.set(null);
    this.loginReason.set('logged-out');
    this.storage.removeItem(KEY);
  }

  private read(): StoredSession | null {
    try {
      const raw = this.storage.getItem(KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      return typeof parsed.token === 'string' && parsed.user ? (parsed as StoredSession) : null;
    } catch {
      return null;
    }
  }
}
