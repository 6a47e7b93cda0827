import { configureTestBed } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog, MatDialogRef } from '@angular/material/dialog';
import type { BulkSitesReport } from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { allByTestId, byTestId, captureDownloads, typeInto } from '../shared/testing';
import { BulkSitesDialogComponent } from './bulk-sites-dialog.component';

const URL_BULK = '/api/v1/receivers/bulk';

/** The server's dry run when every line is fine: one site a line, from line 1. */
const fine = (...names: string[]): BulkSitesReport => ({
  sites: names.map((name, i) => ({ line: i + 1, name, displayName: name })),
  errors: [],
});

async function setup(confirmClose = true) {
  const dialogRef = { close: vi.fn(), disableClose: false };
  const dialog = { open: vi.fn(() => ({ afterClosed: () => of(confirmClose) })) };
  configureTestBed([BulkSitesDialogComponent], [{ provide: MatDialogRef, useValue: dialogRef }]);
  // MatDialogModule, imported by the component, provides its own MatDialog: override it everywhere.
  TestBed.overrideProvider(MatDialog, { useValue: dialog });
  const fixture = TestBed.createComponent(BulkSitesDialogComponent);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const http = TestBed.inject(HttpTestingController);
  /** Types the CSV and answers the dry run the dialog asks for, a moment after typing stops. */
  const paste = async (csv: string, report: BulkSitesReport) => {
    typeInto(byTestId(el, 'bulk-csv'), csv);
    await fixture.whenStable();
    const check = await vi.waitFor(() =>
      http.expectOne((r) => r.url === URL_BULK && r.params.get('dryRun') === 'true'),
    );
    check.flush(report);
    await fixture.whenStable();
  };
  const submit = async () => {
    byTestId(el, 'bulk-submit')!.click();
    await fixture.whenStable();
  };
  return { fixture, el, http, dialogRef, dialog, paste, submit };
}

describe('BulkSitesDialogComponent', () => {
  afterEach(() => {
    TestBed.inject(HttpTestingController).verify();
    vi.restoreAllMocks();
  });

  it('previews the lines of the CSV, header skipped, names as the server will store them', async () => {
    const { el, paste } = await setup();
    await paste('nombre,nombre visible\r\nFarmacia-Centro,Farmacia Centro\r\n\r\nfarmacia-norte\r\n', {
      sites: [
        { line: 2, name: 'farmacia-centro', displayName: 'Farmacia Centro' },
        { line: 4, name: 'farmacia-norte', displayName: 'farmacia-norte' },
      ],
      errors: [],
    });
    expect(byTestId(el, 'bulk-count')?.textContent).toContain('Sitios en el archivo: 2');
    const rows = [...el.querySelectorAll('[data-testid="bulk-preview"] tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['2', 'farmacia-centro', 'Farmacia Centro'],
      ['4', 'farmacia-norte', 'farmacia-norte'],
    ]);
  });

  it('sends the CSV as text/csv and offers the keys once as a download', async () => {
    const { blobs, names } = captureDownloads();
    const { fixture, el, http, paste, submit, dialogRef } = await setup();
    const csv = 'name\nfarmacia-centro,Farmacia Centro\nfarmacia-norte\n';
    await paste(csv, fine('farmacia-centro', 'farmacia-norte'));
    await submit();
    const req = http.expectOne(URL_BULK);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toBe(csv);
    expect(req.request.headers.get('content-type')).toBe('text/csv');
    expect(req.request.responseType).toBe('text');
    const keys = 'name,key\nfarmacia-centro,avr_one\nfarmacia-norte,avr_two\n';
    req.flush(keys);
    await fixture.whenStable();
    expect(byTestId(el, 'bulk-warning')?.textContent).toContain('Sitios creados: 2');
    expect(dialogRef.disableClose).toBe(true);

    byTestId(el, 'bulk-download')!.click();
    expect(names).toEqual(['avisa-claves-sitios.csv']);
    expect(await blobs[0].text()).toBe(keys);
  });

  it('lists, line by line, why the server refused the file', async () => {
    const { fixture, el, http, paste, submit } = await setup();
    await paste(
      'farmacia-centro\nfarmacia-norte\nfarmacia-sur\n',
      fine('farmacia-centro', 'farmacia-norte', 'farmacia-sur'),
    );
    await submit();
    http.expectOne(URL_BULK).flush(
      JSON.stringify({
        statusCode: 400,
        error: 'Bad Request',
        message:
          'nothing was created: line 1: site "farmacia-centro" already exists; line 3: site "farmacia-sur" already exists',
      }),
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    const problems = allByTestId(el, 'bulk-error').map((li) => li.textContent?.trim());
    expect(problems).toEqual([
      'Línea 1: ya existe un sitio llamado «farmacia-centro».',
      'Línea 3: ya existe un sitio llamado «farmacia-sur».',
    ]);
    expect(el.textContent).toContain('no se ha creado ningún sitio');
    expect(byTestId(el, 'bulk-download')).toBeNull();
  });

  it('points out bad names, repeated names and existing sites before sending anything', async () => {
    const { el, paste } = await setup();
    await paste('farmacia centro\nfarmacia-norte\nFARMACIA-NORTE\nfarmacia-sur\n', {
      sites: [],
      errors: [
        {
          line: 1,
          field: 'name',
          code: 'invalidName',
          params: { name: 'farmacia centro' },
          message: 'line 1: "farmacia centro" is not a valid site name (2-64 letters, digits, ".", "_", "-")',
        },
        {
          line: 3,
          field: 'name',
          code: 'repeatedName',
          params: { name: 'farmacia-norte', other: 2 },
          message: 'line 3: site "farmacia-norte" is already listed on line 2',
        },
        {
          line: 4,
          field: 'name',
          code: 'exists',
          params: { name: 'farmacia-sur' },
          message: 'line 4: site "farmacia-sur" already exists',
        },
      ],
    });
    expect((byTestId(el, 'bulk-submit') as HTMLButtonElement).disabled).toBe(true);
    expect(allByTestId(el, 'bulk-error').map((li) => li.textContent?.trim())).toEqual([
      'Línea 1: «farmacia centro» no es un nombre de sitio válido (de 2 a 64 letras minúsculas, dígitos, «.», «_» o «-»).',
      'Línea 3: el sitio «farmacia-norte» ya aparece en la línea 2.',
      'Línea 4: ya existe un sitio llamado «farmacia-sur».',
    ]);
  });

  it('names the line and the column of a bad support detail, from the report of a refusal', async () => {
    const { fixture, el, http, paste, submit } = await setup();
    const csv = 'name,phone\nfarmacia-centro,+34 600 000 001\nfarmacia-norte,llamar\n';
    await paste(csv, fine('farmacia-centro', 'farmacia-norte'));
    await submit();
    const problem = { line: 3, field: 'phone', code: 'phoneCharacters', params: {}, message: 'line 3: phone …' };
    http.expectOne(URL_BULK).flush(
      JSON.stringify({
        statusCode: 400,
        error: 'Bad Request',
        message: 'nothing was created: line 3: phone …',
        report: { sites: [], errors: [problem] },
      }),
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(allByTestId(el, 'bulk-error').map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Línea 3 · teléfono: Solo dígitos, espacios y + ( ) - . / (con al menos un dígito).',
    ]);
  });

  it('shows a refusal that is not about lines in plain words', async () => {
    const { fixture, el, http, paste, submit } = await setup();
    await paste('farmacia-centro\n', fine('farmacia-centro'));
    await submit();
    http.expectOne(URL_BULK).flush(
      JSON.stringify({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'request body is larger than the limit of 100 bytes',
      }),
      { status: 413, statusText: 'Payload Too Large' },
    );
    await fixture.whenStable();
    expect(byTestId(el, 'api-error')?.textContent).toContain('Es demasiado grande');
    expect(byTestId(el, 'api-error')?.textContent).toContain('larger than the limit');
  });

  it('asks before closing when the keys were not downloaded', async () => {
    const { fixture, el, http, paste, submit, dialog, dialogRef } = await setup(false);
    await paste('farmacia-centro\n', fine('farmacia-centro'));
    await submit();
    http.expectOne(URL_BULK).flush('name,key\nfarmacia-centro,avr_one\n');
    await fixture.whenStable();
    byTestId(el, 'bulk-close')!.click();
    expect(dialog.open).toHaveBeenCalledTimes(1);
    expect(dialogRef.close).not.toHaveBeenCalled();
  });

  it('closes with the number of sites created once the keys were downloaded', async () => {
    captureDownloads();
    const { fixture, el, http, paste, submit, dialog, dialogRef } = await setup();
    await paste('farmacia-centro\nfarmacia-norte\n', fine('farmacia-centro', 'farmacia-norte'));
    await submit();
    http.expectOne(URL_BULK).flush('name,key\nfarmacia-centro,avr_one\nfarmacia-norte,avr_two\n');
    await fixture.whenStable();
    byTestId(el, 'bulk-download')!.click();
    byTestId(el, 'bulk-close')!.click();
    expect(dialog.open).not.toHaveBeenCalled();
    expect(dialogRef.close).toHaveBeenCalledWith(2);
  });

  it('refuses to send an empty file', async () => {
    const { fixture, el, submit } = await setup();
    // A blank text is not sent for a dry run.
    typeInto(byTestId(el, 'bulk-csv'), '\n\n');
    await fixture.whenStable();
    await submit();
    expect(el.textContent).toContain('El CSV no tiene ningún sitio.');
  });
});
