import { TestBed } from '@angular/core/testing';
import type { LoginResponse } from '@avisa/contracts';
import { SESSION_STORAGE, SessionStore } from './session.store';
import { memoryStorage } from './testing';

const login = (id: number, username: string): LoginResponse => ({
  token: `avs_${username}`,
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  idleTimeoutSeconds: 1800,
  user: { id, username, displayName: username.toUpperCase(), role: 'operator' },
});

function setup(storage = memoryStorage()) {
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({ providers: [{ provide: SESSION_STORAGE, useValue: storage }] });
  return { sut: TestBed.inject(SessionStore), storage };
}

describe('SessionStore', () => {
  it('keeps the session in the tab storage so a reload of the same tab stays logged in', () => {
    const { sut, storage } = setup();
    sut.start(login(1, 'ana'));
    const reloaded = setup(storage).sut;
    expect(reloaded.token()).toBe('avs_ana');
    expect(reloaded.user()?.username).toBe('ana');
  });

  it('starts without a session in a tab whose storage is empty (a new tab)', () => {
    const { sut } = setup();
    expect(sut.authenticated()).toBe(false);
    expect(sut.user()).toBeNull();
  });

  it('on expiry forgets the token but keeps the user, so the screens stay behind the login dialog', () => {
    const { sut, storage } = setup();
    sut.start(login(1, 'ana'));
    sut.expire();
    expect(sut.token()).toBeNull();
    expect(sut.user()?.username).toBe('ana');
    expect(sut.loginReason()).toBe('expired');
    expect(storage.getItem('avisa.session')).toBeNull();
  });

  it('reports a different user logging in over an expired session', () => {
    const { sut } = setup();
    sut.start(login(1, 'ana'));
    sut.expire();
    expect(sut.start(login(2, 'luis'))).toBe(false);
    sut.expire();
    expect(sut.start(login(2, 'luis'))).toBe(true);
  });

  it('on logout forgets both token and user', () => {
    const { sut } = setup();
    sut.start(login(1, 'ana'));
    sut.end();
    expect(sut.user()).toBeNull();
    expect(sut.loginReason()).toBe('logged-out');
  });
});
