import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import type { GroupImportReport } from '@avisa/contracts';
import { vi } from 'vitest';
import { GroupImportDialogComponent } from './group-import-dialog.component';
import { translocoTesting } from '../../core/testing';

const CSV = 'grupo,miembros\nzona norte,farmacia-1,farmacia-2\nzona sur;farmacia-3\n';

function setup() {
  const close = vi.fn();
  TestBed.configureTestingModule({
    imports: [GroupImportDialogComponent, translocoTesting()],
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: MatDialogRef, useValue: { close } },
    ],
  });
  const fixture = TestBed.createComponent(GroupImportDialogComponent);
  return { fixture, http: TestBed.inject(HttpTestingController), close, el: fixture.nativeElement as HTMLElement };
}

const byTestId = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const allByTestId = (el: HTMLElement, id: string) => [...el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

async function paste(fixture: ComponentFixture<unknown>, text: string) {
  await fixture.whenStable();
  const area = byTestId(fixture.nativeElement, 'import-text') as HTMLTextAreaElement;
  area.value = text;
  area.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

async function submit(fixture: ComponentFixture<unknown>) {
  byTestId(fixture.nativeElement, 'import-submit')!.click();
  await fixture.whenStable();
}

function report(over: Partial<GroupImportReport>): GroupImportReport {
  return { file: null, imported: false, groups: 0, members: 0, errors: [], warnings: [], ...over };
}

describe('GroupImportDialogComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('previews the pasted CSV as groups with their members and line numbers before anything is sent', async () => {
    const { fixture, el } = setup();
    await fixture.whenStable();
    expect(byTestId(el, 'import-preview')).toBeNull();
    expect((byTestId(el, 'import-submit') as HTMLButtonElement).disabled).toBe(true);

    await paste(fixture, CSV);

    const rows = allByTestId(el, 'import-preview-row').map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()),
    );
    expect(rows).toEqual([
      ['2', 'zona norte', 'farmacia-1, farmacia-2'],
      ['3', 'zona sur', 'farmacia-3'],
    ]);
    expect(byTestId(el, 'import-preview')!.textContent).toContain('Grupos: 2 · Miembros: 3');
    expect(byTestId(el, 'import-preview')!.textContent).toContain('cabecera');
  });

  it('points out problems in the preview, row by row', async () => {
    const { fixture, el } = setup();
    await paste(fixture, 'norte\nsur,f-a,f-a,<b>x</b>');
    const rows = allByTestId(el, 'import-preview-row');
    expect(rows[0].textContent).toContain('El grupo no tiene miembros');
    expect(rows[1].textContent).toContain('«f-a» está repetido');
    expect(rows[1].textContent).toContain('«<b>x</b>» no es un nombre de sitio válido');
    expect(rows[1].querySelector('b')).toBeNull();
    expect(byTestId(el, 'import-preview')!.textContent).toContain('Problemas en la vista previa: 3');
  });

  it('sends the raw text as text/csv and, when refused, lists every error with its line and the warnings', async () => {
    const { fixture, http, el, close } = setup();
    await paste(fixture, CSV);
    await submit(fixture);

    const request = http.expectOne((r) => r.url === '/api/v1/groups/import');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toBe(CSV);
    expect(request.request.headers.get('Content-Type')).toBe('text/csv');
    expect(request.request.params.has('filename')).toBe(false);
    request.flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'nothing was imported: 2 problem(s), see report.errors',
        report: report({
          groups: 2,
          members: 3,
          errors: [
            { line: 2, message: 'group "zona norte" already exists' },
            { line: 3, message: 'group "zona sur" has no members' },
          ],
          warnings: [{ line: 2, message: '"farmacia-2" is not a known site (imported anyway)' }],
        }),
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();

    expect(byTestId(el, 'import-refused')!.textContent).toContain('No se ha importado nada');
    expect(allByTestId(el, 'import-error').map((e) => e.textContent!.trim())).toEqual([
      'Línea 2: group "zona norte" already exists',
      'Línea 3: group "zona sur" has no members',
    ]);
    expect(allByTestId(el, 'import-warning').map((e) => e.textContent!.trim())).toEqual([
      'Línea 2: "farmacia-2" is not a known site (imported anyway)',
    ]);
    expect(byTestId(el, 'import-success')).toBeNull();

    byTestId(el, 'import-close')!.click();
    expect(close).toHaveBeenCalledWith(false);
  });

  it('sends a chosen file with its name and shows the success report', async () => {
    const { fixture, http, el, close } = setup();
    await fixture.whenStable();
    const input = byTestId(el, 'import-file') as HTMLInputElement;
    expect(input.getAttribute('accept')).toBe('.csv,text/csv');
    const file = new File([CSV], 'grupos.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    input.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect(allByTestId(el, 'import-preview-row')).toHaveLength(2));
    await fixture.whenStable();

    await submit(fixture);
    const request = http.expectOne((r) => r.url === '/api/v1/groups/import');
    expect(request.request.params.get('filename')).toBe('grupos.csv');
    expect(request.request.body).toBe(CSV);
    request.flush(
      report({
        file: 'grupos.csv',
        imported: true,
        groups: 2,
        members: 3,
        warnings: [{ line: 3, message: '"farmacia-3" is not a known site (imported anyway)' }],
      }),
    );
    await fixture.whenStable();

    expect(byTestId(el, 'import-success')!.textContent).toContain('Importación completada. Grupos: 2 · Miembros: 3.');
    expect(allByTestId(el, 'import-warning').map((e) => e.textContent!.trim())).toEqual([
      'Línea 3: "farmacia-3" is not a known site (imported anyway)',
    ]);
    expect(byTestId(el, 'import-submit')).toBeNull();
    byTestId(el, 'import-close')!.click();
    expect(close).toHaveBeenCalledWith(true);
  });

  it('shows a failure without a report (e.g. 403) in plain words', async () => {
    const { fixture, http, el } = setup();
    await paste(fixture, CSV);
    await submit(fixture);
    http
      .expectOne('/api/v1/groups/import')
      .flush(
        { statusCode: 403, error: 'Forbidden', message: 'you may not import groups' },
        { status: 403, statusText: 'Forbidden' },
      );
    await fixture.whenStable();
    expect(byTestId(el, 'api-error')!.textContent).toContain('No tienes permiso para hacer esto');
    expect(byTestId(el, 'api-error')!.textContent).toContain('you may not import groups');
    expect(byTestId(el, 'import-report')).toBeNull();
  });
});
