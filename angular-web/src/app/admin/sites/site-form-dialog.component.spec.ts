import { serverError, configureTestBed, render } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ReceiverResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { byTestId, typeInto } from '../shared/testing';
import { type SiteFormData, SiteFormDialogComponent } from './site-form-dialog.component';

const SITE: ReceiverResponse = {
  id: 3,
  name: 'farmacia-norte',
  displayName: 'Farmacia Norte',
  enabled: true,
  online: true,
  connectedSince: '2026-11-22T09:00:00.000Z',
  lastSeenAt: '2026-11-22T10:00:00.000Z',
  clientVersion: '1.0.0',
  address: '10.0.0.4',
  createdAt: '2026-11-01T10:00:00.000Z',
  postalAddress: null,
  phone: null,
  region: null,
  tags: [],
  notes: null,
};

async function setup(data: SiteFormData = {}) {
  const dialogRef = { close: vi.fn() };
  configureTestBed(
    [SiteFormDialogComponent],
    [
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: dialogRef },
    ],
  );
  const rendered = await render(SiteFormDialogComponent);
  return { ...rendered, dialogRef, submit: () => rendered.press('site-form-submit') };
}

describe('SiteFormDialogComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('checks the naming rule before sending', async () => {
    const { el, submit } = await setup();
    typeInto(byTestId(el, 'site-name'), 'farmacia centro');
    await submit();
    expect(el.querySelector('mat-error')?.textContent).toContain('Solo letras minúsculas');
    typeInto(byTestId(el, 'site-name'), 'f');
    await submit();
    expect(el.querySelector('mat-error')?.textContent).toContain('entre 2 y 64 caracteres');
  });

  it('creates the site with the name as the server stores it and closes with the answer, key included', async () => {
    const { fixture, el, http, submit, dialogRef } = await setup();
    typeInto(byTestId(el, 'site-name'), '  Farmacia-Centro ');
    typeInto(byTestId(el, 'site-display-name'), ' Farmacia Centro ');
    await submit();
    const req = http.expectOne('/api/v1/receivers');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ name: 'farmacia-centro', displayName: 'Farmacia Centro' });
    const answer = { ...SITE, name: 'farmacia-centro', key: 'avr_k' };
    req.flush(answer);
    await fixture.whenStable();
    expect(dialogRef.close).toHaveBeenCalledWith(answer);
  });

  it('leaves the display name out when it is empty', async () => {
    const { el, http, submit } = await setup();
    typeInto(byTestId(el, 'site-name'), 'farmacia-sur');
    await submit();
    expect(http.expectOne('/api/v1/receivers').request.body).toEqual({ name: 'farmacia-sur' });
  });

  it('shows a taken name next to the name field', async () => {
    const { fixture, el, http, submit, dialogRef } = await setup();
    typeInto(byTestId(el, 'site-name'), 'farmacia-norte');
    await submit();
    http.expectOne('/api/v1/receivers').flush(...serverError(409, 'a site named "farmacia-norte" already exists'));
    await fixture.whenStable();
    const error = byTestId(el, 'api-error');
    expect(error?.textContent).toContain('Choca con algo que ya existe');
    expect(error?.textContent).toContain('already exists');
    expect(dialogRef.close).not.toHaveBeenCalled();
  });

  it("shows the server's field problems under the field", async () => {
    const { fixture, el, http, submit } = await setup();
    typeInto(byTestId(el, 'site-name'), 'farmacia-oeste');
    await submit();
    http
      .expectOne('/api/v1/receivers')
      .flush(...serverError(400, 'x', { fields: { name: ['name must be at most 64 characters long'] } }));
    await fixture.whenStable();
    expect(byTestId(el, 'site-name-error')?.textContent).toContain('name must be at most 64 characters long');
  });

  it('changes only the display name of an existing site', async () => {
    const { fixture, el, http, submit, dialogRef } = await setup({ site: SITE });
    expect((byTestId(el, 'site-name') as HTMLInputElement).disabled).toBe(true);
    typeInto(byTestId(el, 'site-display-name'), 'Farmacia del Norte');
    await submit();
    const req = http.expectOne('/api/v1/receivers/farmacia-norte');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ displayName: 'Farmacia del Norte' });
    req.flush({ ...SITE, displayName: 'Farmacia del Norte' });
    await fixture.whenStable();
    expect(dialogRef.close).toHaveBeenCalledWith({ ...SITE, displayName: 'Farmacia del Norte' });
  });

  it("sends the support details changed, tags split at commas, an emptied one as ''", async () => {
    const site = { ...SITE, phone: '+34 600 000 000', region: 'Norte', tags: ['24h'] };
    const { el, http, submit } = await setup({ site });
    expect((byTestId(el, 'site-tags') as HTMLInputElement).value).toBe('24h');
    typeInto(byTestId(el, 'site-phone'), '');
    typeInto(byTestId(el, 'site-tags'), '24h, guardia ,24H');
    typeInto(byTestId(el, 'site-notes'), 'Llamar antes de las 9.');
    await submit();
    const req = http.expectOne('/api/v1/receivers/farmacia-norte');
    expect(req.request.body).toEqual({
      displayName: 'Farmacia Norte',
      phone: '',
      tags: ['24h', 'guardia'],
      notes: 'Llamar antes de las 9.',
    });
  });

  it('explains a phone with letters under the field and sends nothing', async () => {
    const { el, submit } = await setup();
    typeInto(byTestId(el, 'site-name'), 'farmacia-este');
    typeInto(byTestId(el, 'site-phone'), 'llamar luego');
    await submit();
    expect(byTestId(el, 'site-phone-error')?.textContent).toContain('Solo dígitos, espacios y + ( ) - . /');
    TestBed.inject(HttpTestingController).expectNone('/api/v1/receivers');
  });
});
