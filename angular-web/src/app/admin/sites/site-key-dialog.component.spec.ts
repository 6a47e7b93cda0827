import { aSite, configureTestBed, serverError } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ReceiverWithKeyResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { captureDownloads, mockClipboard } from '../shared/testing';
import { type SiteKeyData, SiteKeyDialogComponent } from './site-key-dialog.component';

const SITE: ReceiverWithKeyResponse = {
  ...aSite('farmacia-centro', { id: 7, displayName: 'Farmacia Centro', createdAt: '2026-11-22T10:00:00.000Z' }),
  key: 'avr_s3cr3t-key-value',
};

async function setup(data: SiteKeyData = { site: SITE, rotated: false }) {
  configureTestBed(
    [SiteKeyDialogComponent],
    [
      { provide: MAT_DIALOG_DATA, useValue: data },
      { provide: MatDialogRef, useValue: { close: vi.fn() } },
    ],
  );
  const fixture = TestBed.createComponent(SiteKeyDialogComponent);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const q = (id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { fixture, el, q, http: TestBed.inject(HttpTestingController) };
}

const INSTALLER_URL = '/api/v1/receivers/farmacia-centro/installer';

describe('SiteKeyDialogComponent', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows the new key once, with the warning that it will not be shown again', async () => {
    const { el, q } = await setup();
    expect(q('site-key')?.textContent).toContain('avr_s3cr3t-key-value');
    expect(q('key-warning')?.textContent).toContain('solo se muestra ahora');
    expect(el.textContent).toContain('Sitio farmacia-centro creado');
  });

  it('copies the key to the clipboard and says so', async () => {
    const writeText = mockClipboard(() => Promise.resolve());
    const { fixture, q } = await setup();
    q('copy-key')!.click();
    await fixture.whenStable();
    expect(writeText).toHaveBeenCalledWith('avr_s3cr3t-key-value');
    expect(q('copy-done')?.textContent).toContain('Copiado al portapapeles');
    expect(q('copy-refused')).toBeNull();
  });

  it('explains how to copy by hand when the browser refuses the clipboard', async () => {
    mockClipboard(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    const { fixture, q } = await setup();
    q('copy-key')!.click();
    await fixture.whenStable();
    expect(q('copy-refused')?.textContent).toContain('Ctrl+C');
    expect(q('copy-done')).toBeNull();
  });

  it('offers a receiver config for this site, pointing at this server', async () => {
    const { blobs, names } = captureDownloads();
    const { q } = await setup();
    q('download-config')!.click();
    expect(names).toEqual(['avisa-receiver-farmacia-centro.json']);
    expect(JSON.parse(await blobs[0].text())).toEqual({
      serverUrl: location.origin,
      name: 'farmacia-centro',
      key: 'avr_s3cr3t-key-value',
      ca: 'server.crt',
    });
  });

  it('downloads the Linux installer the server makes with this key, under the name the server gives', async () => {
    const { blobs, names } = captureDownloads();
    const { fixture, q, http } = await setup();
    q('download-installer-linux')!.click();
    await fixture.whenStable();
    const req = http.expectOne(INSTALLER_URL);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ key: 'avr_s3cr3t-key-value', platform: 'linux' });
    req.flush('#!/bin/sh\necho farmacia-centro\n', {
      headers: {
        'content-disposition': 'attachment; filename="avisa-install-farmacia-centro.sh"',
        'content-type': 'text/x-shellscript; charset=utf-8',
      },
    });
    await fixture.whenStable();
    expect(names).toEqual(['avisa-install-farmacia-centro.sh']);
    expect(await blobs[0].text()).toBe('#!/bin/sh\necho farmacia-centro\n');
    expect(q('installer-downloaded')?.textContent).toContain('avisa-install-farmacia-centro.sh');
    http.verify();
  });

  it('tells how to run each installer', async () => {
    const { el } = await setup();
    expect(el.textContent).toContain('sudo sh avisa-install-farmacia-centro.sh');
    expect(el.textContent).toContain('powershell -ExecutionPolicy Bypass -File avisa-install-farmacia-centro.ps1');
    expect(el.textContent).toContain('PowerShell como administrador');
  });

  it('says how to publish the packages when the server has none for Windows, keeping the key on screen', async () => {
    const { names } = captureDownloads();
    const { fixture, q, http } = await setup();
    q('download-installer-windows')!.click();
    await fixture.whenStable();
    http.expectOne(INSTALLER_URL).flush(
      JSON.stringify(
        serverError(400, 'this server publishes no msi package: run npm run package:receiver on the server first', {
          fields: {
            platform: ['this server publishes no msi package: run npm run package:receiver on the server first'],
          },
        })[0],
      ),
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(q('installer-problem')?.textContent).toContain('para Windows (.msi)');
    expect(q('installer-problem')?.textContent).toContain('npm run package:receiver');
    expect(q('site-key')?.textContent).toContain('avr_s3cr3t-key-value');
    expect(names).toEqual([]);
    expect((q('download-installer-windows') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says to rotate the key when the server no longer accepts it', async () => {
    const { fixture, q, http } = await setup();
    q('download-installer-linux')!.click();
    await fixture.whenStable();
    http
      .expectOne(INSTALLER_URL)
      .flush(JSON.stringify(serverError(403, 'this is not the current key of this site')[0]), {
        status: 403,
        statusText: 'Forbidden',
      });
    await fixture.whenStable();
    expect(q('installer-problem')?.textContent).toContain('Genera una clave nueva');
  });

  it('shows any other failure as the server said it', async () => {
    const { fixture, q, el, http } = await setup();
    q('download-installer-linux')!.click();
    await fixture.whenStable();
    http.expectOne(INSTALLER_URL).flush(
      JSON.stringify(
        serverError(400, 'the server address could not be told; set AVISA_PUBLIC_URL', {
          fields: { origin: ['the server address could not be told; set AVISA_PUBLIC_URL'] },
        })[0],
      ),
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(q('installer-problem')).toBeNull();
    expect(el.querySelector('[data-testid="api-error"]')?.textContent).toContain('set AVISA_PUBLIC_URL');
  });

  it('says the old key stopped working after a rotation', async () => {
    const { el } = await setup({ site: SITE, rotated: true });
    expect(el.textContent).toContain('Nueva clave de farmacia-centro');
    expect(el.textContent).toContain('La clave anterior ya no sirve');
  });
});
