import { aSite, configureTestBed } from '../../core/testing';
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
  return { fixture, el, q };
}

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

  it('says the old key stopped working after a rotation', async () => {
    const { el } = await setup({ site: SITE, rotated: true });
    expect(el.textContent).toContain('Nueva clave de farmacia-centro');
    expect(el.textContent).toContain('La clave anterior ya no sirve');
  });
});
