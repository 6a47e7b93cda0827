import { serverError, configureTestBed, aToken, aUser, render, renderLoaded } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ApiTokenResponse, UserResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { SessionStore } from '../../core/session.store';
import { UserDialogComponent, type UserDialogData } from './user-dialog.component';
import { UsersComponent } from './users.component';

const user = aUser;

const ADMIN = user(1, 'admin', { role: 'admin', builtin: true });
const JEFA = user(2, 'jefa', { role: 'admin' });
const MARIN = user(3, 'marin');
const USERS = [ADMIN, JEFA, MARIN];

const token = (id: number, name: string, createdById: number, extra: Partial<ApiTokenResponse> = {}) =>
  aToken(id, name, { createdBy: USERS.find((u) => u.id === createdById)?.username ?? 'otro', createdById, ...extra });
/** marin created two working tokens, one revoked and one expired; jefa one. */
const TOKENS = [
  token(1, 'zabbix', 3),
  token(2, 'erp', 3),
  token(3, 'viejo', 3, { revokedAt: '2026-11-10T10:00:00.000Z' }),
  token(4, 'caducado', 3, { expiresAt: '2020-01-01T00:00:00.000Z' }),
  token(5, 'cron', 2),
];
const overlay = () => document.querySelector('.cdk-overlay-container')!;

function configure(providers: unknown[] = []) {
  configureTestBed([], [...(providers as never[])]);
}

const byTestId = <T extends HTMLElement = HTMLElement>(el: Element, id: string) =>
  el.querySelector<T>(`[data-testid="${id}"]`);
const row = (el: HTMLElement, username: string) =>
  el.querySelector<HTMLElement>(`[data-testid="user-row"][data-username="${username}"]`)!;
const isDisabled = (button: HTMLElement) =>
  (button as HTMLButtonElement).disabled || button.getAttribute('aria-disabled') === 'true';

async function type(fixture: ComponentFixture<unknown>, input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
  await fixture.whenStable();
}

describe('UsersComponent', () => {
  async function setup(signedIn: UserResponse = JEFA) {
    configure();
    TestBed.inject(SessionStore).user.set({
      id: signedIn.id,
      username: signedIn.username,
      displayName: signedIn.displayName,
      role: signedIn.role,
    });
    return renderLoaded(UsersComponent, '/api/v1/users', USERS);
  }

  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    document.querySelectorAll('.cdk-overlay-container').forEach((c) => (c.innerHTML = ''));
  });

  it('lists the users with their role, state and the built-in mark', async () => {
    const { el } = await setup();
    const rows = [...el.querySelectorAll<HTMLElement>('[data-testid="user-row"]')];
    expect(rows.map((r) => r.dataset['username'])).toEqual(['admin', 'jefa', 'marin']);
    expect(byTestId(row(el, 'admin'), 'user-builtin')!.textContent).toContain('Integrado');
    expect(byTestId(row(el, 'marin'), 'user-builtin')).toBeNull();
    expect(row(el, 'marin').textContent).toContain('MARIN');
    expect(row(el, 'marin').textContent).toContain('Operador');
    expect(row(el, 'jefa').textContent).toContain('(tú)');
  });

  it('does not let the built-in admin be deleted, demoted or disabled, and says why', async () => {
    const { fixture, http, el } = await setup();
    const admin = row(el, 'admin');
    const remove = byTestId(admin, 'user-delete')!;
    expect(isDisabled(remove)).toBe(true);
    expect(remove.getAttribute('aria-disabled')).toBe('true');
    expect(byTestId(admin, 'user-role')!.getAttribute('aria-disabled')).toBe('true');
    expect(admin.querySelector('.tip')!.getAttribute('aria-label')).toBe(
      'El administrador integrado no puede pasar a operador.',
    );
    expect(byTestId(admin, 'user-enabled')!.querySelector('button')!.getAttribute('aria-disabled')).toBe('true');

    remove.click();
    await fixture.whenStable();
    expect(document.querySelector('[data-testid="confirm"]')).toBeNull();
    http.expectNone((r) => r.method === 'DELETE');
    // Others can be deleted.
    expect(isDisabled(byTestId(row(el, 'marin'), 'user-delete')!)).toBe(false);
  });

  it('does not offer deleting, disabling or demoting your own account', async () => {
    const { el } = await setup(JEFA);
    const own = row(el, 'jefa');
    expect(isDisabled(byTestId(own, 'user-delete')!)).toBe(true);
    expect(byTestId(own, 'user-role')!.getAttribute('aria-disabled')).toBe('true');
    expect(own.querySelector('.tip')!.getAttribute('aria-label')).toBe(
      'No puedes cambiar tu propio rol: pídeselo a otro administrador.',
    );
  });

  it('deletes a user after confirming', async () => {
    const { fixture, http, el } = await setup();
    byTestId(row(el, 'marin'), 'user-delete')!.click();
    await fixture.whenStable();
    http.expectOne('/api/v1/api-tokens').flush([token(5, 'cron', 2)]);
    await fixture.whenStable();
    expect(overlay().textContent).toContain('¿Eliminar a marin?');
    expect(document.querySelector('[data-testid="confirm-warning"]')).toBeNull();
    document.querySelector<HTMLElement>('[data-testid="confirm"]')!.click();
    await fixture.whenStable();

    const request = http.expectOne('/api/v1/users/3');
    expect(request.request.method).toBe('DELETE');
    request.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(el.querySelector('[data-username="marin"]')).toBeNull();
  });

  it('says before deleting which API tokens of that user will stop working for good', async () => {
    const { fixture, http, el } = await setup();
    byTestId(row(el, 'marin'), 'user-delete')!.click();
    await fixture.whenStable();
    http.expectOne('/api/v1/api-tokens').flush(TOKENS);
    await fixture.whenStable();
    expect(byTestId(overlay(), 'confirm-warning')!.textContent!.trim()).toBe(
      'Los 2 tokens de API que creó este usuario (zabbix, erp) dejarán de funcionar para siempre.',
    );
    overlay().querySelector<HTMLElement>('button:not([data-testid="confirm"])')!.click();
    await fixture.whenStable();
    http.expectNone((r) => r.method === 'DELETE');
    expect(row(el, 'marin')).not.toBeNull();
  });

  it('asks before disabling a user who created API tokens, and puts the switch back when cancelled', async () => {
    const { fixture, http, el } = await setup();
    const toggle = byTestId(row(el, 'marin'), 'user-enabled')!.querySelector('button')!;
    toggle.click();
    await fixture.whenStable();
    http.expectOne('/api/v1/api-tokens').flush(TOKENS);
    await fixture.whenStable();
    expect(overlay().textContent).toContain('¿Desactivar a marin?');
    expect(byTestId(overlay(), 'confirm-warning')!.textContent!.trim()).toBe(
      'Los 2 tokens de API que creó este usuario (zabbix, erp) dejarán de funcionar mientras esté desactivado.',
    );
    overlay().querySelector<HTMLElement>('button:not([data-testid="confirm"])')!.click();
    await fixture.whenStable();
    http.expectNone('/api/v1/users/3/enabled');
    expect(toggle.getAttribute('aria-checked')).toBe('true');

    toggle.click();
    await fixture.whenStable();
    http.expectOne('/api/v1/api-tokens').flush([token(1, 'zabbix', 3)]);
    await fixture.whenStable();
    expect(byTestId(overlay(), 'confirm-warning')!.textContent!.trim()).toBe(
      'El token de API que creó este usuario (zabbix) dejará de funcionar mientras esté desactivado.',
    );
    byTestId(overlay(), 'confirm')!.click();
    await fixture.whenStable();
    const request = http.expectOne('/api/v1/users/3/enabled');
    expect(request.request.body).toEqual({ enabled: false });
    request.flush({ ...MARIN, enabled: false });
    await fixture.whenStable();
    expect(toggle.getAttribute('aria-checked')).toBe('false');
  });

  it('disables a user with PUT enabled, and shows a refusal next to that row, putting the switch back', async () => {
    const { fixture, http, el } = await setup();
    const toggle = byTestId(row(el, 'marin'), 'user-enabled')!.querySelector('button')!;
    toggle.click();
    await fixture.whenStable();
    // No token of theirs: nothing to confirm.
    http.expectOne('/api/v1/api-tokens').flush([token(5, 'cron', 2)]);
    await fixture.whenStable();
    expect(document.querySelector('[data-testid="confirm"]')).toBeNull();

    const request = http.expectOne('/api/v1/users/3/enabled');
    expect(request.request.method).toBe('PUT');
    expect(request.request.body).toEqual({ enabled: false });
    request.flush(...serverError(403, 'you cannot disable your own account'));
    await fixture.whenStable();

    const error = el.querySelector<HTMLElement>('[data-testid="user-row-error"][data-username="marin"]')!;
    expect(row(el, 'marin').nextElementSibling).toBe(error);
    expect(error.textContent).toContain('No tienes permiso para hacer esto:');
    expect(error.textContent).toContain('you cannot disable your own account');
    expect(toggle.getAttribute('aria-checked')).toBe('true');
  });
});

describe('UserDialogComponent', () => {
  async function setup(data: UserDialogData = {}) {
    const close = vi.fn();
    configure([
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close } },
    ]);
    return { ...(await render(UserDialogComponent)), close };
  }

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  const fill = async (fixture: ComponentFixture<unknown>, el: HTMLElement, values: Record<string, string>) => {
    for (const [id, value] of Object.entries(values)) {
      await type(fixture, byTestId<HTMLInputElement>(el, id)!, value);
    }
  };

  const submit = async (fixture: ComponentFixture<unknown>, el: HTMLElement) => {
    byTestId(el, 'user-form-submit')!.click();
    await fixture.whenStable();
  };

  /** Fills the create form, the password typed twice (or `repeat` the second time), and sends it. */
  const sendCreate = async (
    fixture: ComponentFixture<unknown>,
    el: HTMLElement,
    username: string,
    password: string,
    repeat = password,
  ) => {
    await fill(fixture, el, {
      'user-form-username': username,
      'user-form-password': password,
      'user-form-repeat': repeat,
    });
    await submit(fixture, el);
  };

  it('refuses to send when the two passwords differ', async () => {
    const { fixture, http, el } = await setup();
    await sendCreate(fixture, el, 'nuria', 'Farmacia-Norte-2026', 'Farmacia-Norte-2025');

    http.expectNone('/api/v1/users');
    expect(byTestId(el, 'user-form-mismatch')!.textContent).toContain('Las dos contraseñas no coinciden');

    // Correcting the first one to match clears the error.
    await fill(fixture, el, { 'user-form-password': 'Farmacia-Norte-2025' });
    expect(byTestId(el, 'user-form-mismatch')).toBeNull();
  });

  it("checks the server's username rule before sending", async () => {
    const { fixture, http, el } = await setup();
    await sendCreate(fixture, el, 'Nuria Gil', 'Farmacia-Norte-2026');
    expect(byTestId(el, 'user-form-username')!.closest('mat-form-field')!.textContent).toContain(
      'Solo letras sin acentos, números, «.», «_» y «-», sin espacios',
    );
    http.expectNone('/api/v1/users');
  });

  it('checks the length in bytes before sending', async () => {
    const { fixture, http, el } = await setup();
    await sendCreate(fixture, el, 'nuria', 'corta');
    expect(el.textContent).toContain('Demasiado corta: al menos 8 caracteres');

    const long = 'ñ'.repeat(37); // 74 bytes in UTF-8
    await fill(fixture, el, { 'user-form-password': long, 'user-form-repeat': long });
    await submit(fixture, el);
    expect(el.textContent).toContain('Demasiado larga: como mucho 72 bytes');
    http.expectNone('/api/v1/users');
  });

  it("creates the user, and shows the server's password refusal under the password field", async () => {
    const { fixture, http, el, close } = await setup();
    await fill(fixture, el, {
      'user-form-username': ' Nuria ',
      'user-form-display-name': 'Nuria Gil',
      'user-form-password': 'password123',
      'user-form-repeat': 'password123',
    });
    await submit(fixture, el);

    const request = http.expectOne('/api/v1/users');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({
      username: 'nuria',
      displayName: 'Nuria Gil',
      role: 'operator',
      password: 'password123',
    });
    const message = 'password is one of the most commonly used passwords; choose another';
    request.flush(...serverError(400, message, { fields: { password: [message] } }));
    await fixture.whenStable();

    const field = byTestId(el, 'user-form-password')!.closest('mat-form-field')!;
    expect(field.querySelector('mat-error')!.textContent).toContain(message);
    expect(byTestId(el, 'api-error')).toBeNull();
    expect(close).not.toHaveBeenCalled();

    await fill(fixture, el, { 'user-form-password': 'Farmacia-Norte-2026', 'user-form-repeat': 'Farmacia-Norte-2026' });
    await submit(fixture, el);
    const created = user(9, 'nuria', { displayName: 'Nuria Gil' });
    http.expectOne('/api/v1/users').flush(created);
    await fixture.whenStable();
    expect(close).toHaveBeenCalledWith(created);
  });

  it('says so under the username when it is taken', async () => {
    const { fixture, http, el } = await setup();
    await sendCreate(fixture, el, 'marin', 'Farmacia-Norte-2026');
    http.expectOne('/api/v1/users').flush(...serverError(409, 'username "marin" is already taken'));
    await fixture.whenStable();
    expect(byTestId(el, 'user-form-taken')!.textContent).toContain('Ya existe un usuario con ese nombre');
  });

  it("sets a user's password with PUT, typed twice", async () => {
    const { fixture, http, el, close } = await setup({ user: MARIN });
    expect(el.textContent).toContain('Cambiar la contraseña de marin');
    expect(byTestId(el, 'user-form-username')).toBeNull();
    await fill(fixture, el, { 'user-form-password': 'Otra-Clave-2026', 'user-form-repeat': 'Otra-Clave-2026' });
    await submit(fixture, el);

    const request = http.expectOne('/api/v1/users/3/password');
    expect(request.request.method).toBe('PUT');
    expect(request.request.body).toEqual({ password: 'Otra-Clave-2026' });
    request.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(close).toHaveBeenCalledWith(MARIN);
  });
});
