import { configureTestBed, aToken, renderLoaded } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import type { ApiTokenResponse } from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { Notifier } from '../../core/notifier';
import { allByTestId, byTestId } from '../shared/testing';
import { TokensComponent } from './tokens.component';

const token = (id: number, name: string, extra: Partial<ApiTokenResponse> = {}): ApiTokenResponse =>
  aToken(id, name, { prefix: `avt_${name.slice(0, 8)}`, ...extra });

const TOKENS = [
  token(1, 'zabbix', { scopes: ['messages:send', 'read'], lastUsedAt: '2026-11-22T09:00:00.000Z' }),
  token(2, 'viejo', { revokedAt: '2026-11-10T10:00:00.000Z' }),
  token(3, 'caducado', { expiresAt: '2020-01-01T00:00:00.000Z' }),
  token(4, 'erp', { createdBy: 'jefa', createdById: 2, creatorStatus: 'disabled' }),
  token(5, 'cron', { createdBy: 'antiguo', createdById: 9, creatorStatus: 'deleted' }),
];

async function setup(confirmed = true) {
  const dialog = { open: vi.fn(() => ({ afterClosed: () => of(confirmed) })) };
  configureTestBed([TokensComponent], [{ provide: Notifier, useValue: { info: vi.fn() } }]);
  TestBed.overrideProvider(MatDialog, { useValue: dialog });
  const { fixture, el, http } = await renderLoaded(TokensComponent, '/api/v1/api-tokens', TOKENS);
  const row = (name: string) => el.querySelector<HTMLElement>(`[data-testid="token-row"][data-token="${name}"]`)!;
  return { fixture, el, http, dialog, row };
}

describe('TokensComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists the tokens with scopes, state, last use and expiry', async () => {
    const { el, row } = await setup();
    expect(allByTestId(el, 'token-row').map((r) => r.dataset['token'])).toEqual([
      'zabbix',
      'viejo',
      'caducado',
      'erp',
      'cron',
    ]);
    expect(row('zabbix').textContent).toContain('Enviar avisos');
    expect(row('zabbix').textContent).toContain('Consultar');
    expect(row('zabbix').textContent).toContain('No caduca');
    expect(row('viejo').textContent).toContain('Revocado');
    expect(row('viejo').textContent).toContain('Nunca');
    expect(row('caducado').textContent).toContain('Caducado');
    expect((byTestId(row('viejo'), 'token-revoke') as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows each token's creator, and a token stopped because its creator is disabled or deleted", async () => {
    const { el, row } = await setup();
    expect(byTestId(el, 'token-creator-rule')!.textContent).toContain(
      'Un token funciona solo mientras la cuenta que lo creó esté activa',
    );
    expect(byTestId(row('zabbix'), 'token-creator')!.textContent!.trim()).toBe('admin');
    expect(byTestId(row('erp'), 'token-creator')!.textContent!.trim()).toBe('jefa');
    expect(row('erp').dataset['state']).toBe('creatorDisabled');
    expect(row('erp').textContent).toContain('Creador desactivado');
    expect(row('cron').dataset['state']).toBe('creatorDeleted');
    expect(row('cron').textContent).toContain('Creador eliminado');
    expect(row('zabbix').dataset['state']).toBe('active');
  });

  it('revokes a token after confirmation', async () => {
    const { fixture, http, row, dialog } = await setup();
    byTestId(row('zabbix'), 'token-revoke')!.click();
    await fixture.whenStable();
    expect(dialog.open).toHaveBeenCalledTimes(1);
    const req = http.expectOne('/api/v1/api-tokens/1');
    expect(req.request.method).toBe('DELETE');
    req.flush({ ...TOKENS[0], revokedAt: '2026-11-22T12:00:00.000Z' });
    await fixture.whenStable();
    expect(row('zabbix').textContent).toContain('Revocado');
  });

  it('keeps the token when the confirmation is cancelled', async () => {
    const { fixture, http, row } = await setup(false);
    byTestId(row('zabbix'), 'token-revoke')!.click();
    await fixture.whenStable();
    http.expectNone('/api/v1/api-tokens/1');
  });
});
