import { serverError, configureTestBed, render } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import type { CreatedApiTokenResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { byTestId, mockClipboard, typeInto } from '../shared/testing';
import { TokenCreateDialogComponent } from './token-create-dialog.component';

const CREATED: CreatedApiTokenResponse = {
  id: 4,
  name: 'zabbix',
  displayName: 'zabbix',
  prefix: 'avt_abcdefgh',
  scopes: ['messages:send'],
  createdBy: 'admin',
  createdById: 1,
  creatorStatus: 'active',
  createdAt: '2026-11-22T10:00:00.000Z',
  lastUsedAt: null,
  expiresAt: '2027-02-20T10:00:00.000Z',
  revokedAt: null,
  token: 'avt_abcdefgh_the_secret',
};

async function setup() {
  const dialogRef = { close: vi.fn(), disableClose: false };
  configureTestBed([TokenCreateDialogComponent], [{ provide: MatDialogRef, useValue: dialogRef }]);
  const { fixture, el, press } = await render(TokenCreateDialogComponent);
  const submit = () => press('token-submit');
  const checkbox = (scope: string) =>
    el.querySelector<HTMLInputElement>(`[data-scope="${scope}"] input[type="checkbox"]`)!;
  const pickExpiry = async (label: string) => {
    el.querySelector<HTMLElement>('[data-testid="token-expiry"] .mat-mdc-select-trigger')!.click();
    await fixture.whenStable();
    const option = [...document.querySelectorAll<HTMLElement>('mat-option')].find((o) =>
      o.textContent?.includes(label),
    );
    option!.click();
    await fixture.whenStable();
  };
  return { fixture, el, http: TestBed.inject(HttpTestingController), dialogRef, submit, checkbox, pickExpiry };
}

describe('TokenCreateDialogComponent', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    vi.restoreAllMocks();
  });

  it('sends the name, the ticked scopes and the expiry', async () => {
    const { el, http, submit, checkbox, pickExpiry } = await setup();
    typeInto(byTestId(el, 'token-name'), ' Zabbix ');
    checkbox('read').click();
    await pickExpiry('Dentro de 90 días');
    await submit();
    const req = http.expectOne('/api/v1/api-tokens');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'zabbix', scopes: ['messages:send', 'read'], expiresInDays: 90 });
  });

  it('keeps the display name as typed and proposes the key from it, until a key is typed', async () => {
    const { el, http, submit } = await setup();
    typeInto(byTestId(el, 'token-display-name'), 'Nagios monitorización');
    expect((byTestId(el, 'token-name') as HTMLInputElement).value).toBe('nagios-monitorizacion');
    typeInto(byTestId(el, 'token-name'), 'nagios');
    typeInto(byTestId(el, 'token-display-name'), 'Nagios monitorización ');
    expect((byTestId(el, 'token-name') as HTMLInputElement).value).toBe('nagios');
    await submit();
    expect(http.expectOne('/api/v1/api-tokens').request.body).toEqual({
      name: 'nagios',
      displayName: 'Nagios monitorización',
      scopes: ['messages:send'],
    });
  });

  it('leaves the expiry out when the token never expires', async () => {
    const { el, http, submit } = await setup();
    typeInto(byTestId(el, 'token-name'), 'scripts');
    await submit();
    expect(http.expectOne('/api/v1/api-tokens').request.body).toEqual({ name: 'scripts', scopes: ['messages:send'] });
  });

  it('asks for at least one scope and a valid name before sending', async () => {
    const { el, submit, checkbox } = await setup();
    typeInto(byTestId(el, 'token-name'), 'mi token');
    checkbox('messages:send').click();
    await submit();
    expect(byTestId(el, 'token-scope-error')?.textContent).toContain('Marca al menos un permiso');
    expect(el.querySelector('mat-error')?.textContent).toContain('Solo letras minúsculas');
  });

  it('shows the token once, with a copy button and a curl line that sends an alert with it', async () => {
    const writeText = mockClipboard(() => Promise.resolve());
    const { fixture, el, http, submit, dialogRef } = await setup();
    typeInto(byTestId(el, 'token-name'), 'zabbix');
    await submit();
    http.expectOne('/api/v1/api-tokens').flush(CREATED);
    await fixture.whenStable();
    expect(byTestId(el, 'token-value')?.textContent).toContain('avt_abcdefgh_the_secret');
    expect(byTestId(el, 'token-warning')?.textContent).toContain('solo se muestra ahora');
    expect(dialogRef.disableClose).toBe(true);
    const curl = byTestId(el, 'token-curl')?.textContent ?? '';
    expect(curl).toContain('-H "Authorization: Bearer avt_abcdefgh_the_secret"');
    expect(curl).toContain(
      `-d '{"target":{"kind":"all"},"text":"Aviso de prueba"}' ${location.origin}/api/v1/messages`,
    );
    byTestId(el, 'copy-token')!.click();
    await fixture.whenStable();
    expect(writeText).toHaveBeenCalledWith('avt_abcdefgh_the_secret');
  });

  it('shows a taken name next to the form', async () => {
    const { fixture, el, http, submit } = await setup();
    typeInto(byTestId(el, 'token-name'), 'zabbix');
    await submit();
    http.expectOne('/api/v1/api-tokens').flush(...serverError(409, 'an API token named "zabbix" already exists'));
    await fixture.whenStable();
    expect(byTestId(el, 'api-error')?.textContent).toContain('already exists');
    expect(byTestId(el, 'token-value')).toBeNull();
  });
});
