import { serverError, configureTestBed } from '../../core/testing';
import { type HttpRequest } from '@angular/common/http';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import type { ErrorParams, GroupImportReport, ImportProblem } from '@avisa/contracts';
import { vi } from 'vitest';
import { GroupImportDialogComponent } from './group-import-dialog.component';

const CSV = 'grupo,miembros\nzona norte,farmacia-1,farmacia-2\nzona sur;farmacia-3\n';

function setup() {
  const close = vi.fn();
  configureTestBed([GroupImportDialogComponent], [{ provide: MatDialogRef, useValue: { close } }]);
  const fixture = TestBed.createComponent(GroupImportDialogComponent);
  return { fixture, http: TestBed.inject(HttpTestingController), close, el: fixture.nativeElement as HTMLElement };
}

const byTestId = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const allByTestId = (el: HTMLElement, id: string) => [...el.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];

const isDryRun = (r: HttpRequest<unknown>) => r.url === '/api/v1/groups/import' && r.params.get('dryRun') === 'true';

/** Answers the dry run the dialog asks for a moment after the text changes; returns that request. */
async function answerDryRun(fixture: ComponentFixture<unknown>, answer: GroupImportReport) {
  const check = await vi.waitFor(() => TestBed.inject(HttpTestingController).expectOne(isDryRun));
  check.flush(answer);
  await fixture.whenStable();
  return check;
}

async function paste(fixture: ComponentFixture<unknown>, text: string, answer = report({ groups: 2, members: 3 })) {
  await fixture.whenStable();
  const area = byTestId(fixture.nativeElement, 'import-text') as HTMLTextAreaElement;
  area.value = text;
  area.dispatchEvent(new Event('input'));
  await fixture.whenStable();
  return answerDryRun(fixture, answer);
}

async function submit(fixture: ComponentFixture<unknown>) {
  byTestId(fixture.nativeElement, 'import-submit')!.click();
  await fixture.whenStable();
}

function report(over: Partial<GroupImportReport>): GroupImportReport {
  return { file: null, imported: false, groups: 0, members: 0, errors: [], warnings: [], ...over };
}

function problem(line: number, code: string, params: ErrorParams, message: string): ImportProblem {
  return { line, code, params, message };
}

describe('GroupImportDialogComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it("previews the pasted CSV with the server's dry run before anything is imported", async () => {
    const { fixture, el } = setup();
    await fixture.whenStable();
    expect(byTestId(el, 'import-preview')).toBeNull();
    expect((byTestId(el, 'import-submit') as HTMLButtonElement).disabled).toBe(true);

    const check = await paste(fixture, CSV, report({ groups: 2, members: 3 }));

    expect(check.request.method).toBe('POST');
    expect(check.request.body).toBe(CSV);
    expect(check.request.headers.get('Content-Type')).toBe('text/csv');
    expect(allByTestId(el, 'import-preview-row')).toEqual([]);
    expect(byTestId(el, 'import-preview')!.textContent).toContain('Grupos: 2 · Miembros: 3');
  });

  it('points out problems in the preview, row by row', async () => {
    const { fixture, el } = setup();
    await paste(
      fixture,
      'norte\nsur,f-a,f-a,<b>x</b>',
      report({
        groups: 2,
        members: 3,
        errors: [
          problem(1, 'group.no_members', { name: 'norte' }, 'group "norte" has no members'),
          problem(
            2,
            'group.member_invalid',
            { member: '<b>x</b>', problem: 'pattern', min: 2, max: 64 },
            'member "<b>x</b>" may contain only letters, digits, ".", "_" and "-"',
          ),
          problem(
            2,
            'group.member_twice',
            { member: 'f-a', name: 'sur' },
            'member "f-a" is listed twice in group "sur"',
          ),
        ],
      }),
    );
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
      ...serverError(400, 'nothing was imported: 3 problem(s), see report.errors', {
        code: 'group.import_refused',
        params: { count: 3 },
        report: report({
          groups: 2,
          members: 3,
          errors: [
            problem(2, 'group.already_exists', { name: 'zona norte' }, 'group "zona norte" already exists'),
            problem(3, 'group.no_members', { name: 'zona sur' }, 'group "zona sur" has no members'),
            problem(4, 'group.from_a_newer_server', {}, 'something this app cannot say yet'),
          ],
          warnings: [
            problem(
              2,
              'group.unknown_member',
              { member: 'farmacia-2' },
              '"farmacia-2" is not a known site (imported anyway)',
            ),
          ],
        }),
      }),
    );
    await fixture.whenStable();

    expect(byTestId(el, 'import-refused')!.textContent).toContain('No se ha importado nada');
    expect(allByTestId(el, 'import-error').map((e) => e.textContent!.trim())).toEqual([
      'Línea 2: El grupo «zona norte» ya existe.',
      'Línea 3: El grupo «zona sur» no tiene miembros.',
      'Línea 4: something this app cannot say yet',
    ]);
    expect(allByTestId(el, 'import-warning').map((e) => e.textContent!.trim())).toEqual([
      'Línea 2: «farmacia-2» no es un sitio conocido (se importa igualmente).',
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
    await answerDryRun(fixture, report({ groups: 2, members: 3 }));

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
        warnings: [
          problem(
            3,
            'group.unknown_member',
            { member: 'farmacia-3' },
            '"farmacia-3" is not a known site (imported anyway)',
          ),
        ],
      }),
    );
    await fixture.whenStable();

    expect(byTestId(el, 'import-success')!.textContent).toContain('Importación completada. Grupos: 2 · Miembros: 3.');
    expect(allByTestId(el, 'import-warning').map((e) => e.textContent!.trim())).toEqual([
      'Línea 3: «farmacia-3» no es un sitio conocido (se importa igualmente).',
    ]);
    expect(byTestId(el, 'import-submit')).toBeNull();
    byTestId(el, 'import-close')!.click();
    expect(close).toHaveBeenCalledWith(true);
  });

  it('shows a failure without a report (e.g. 403) in plain words', async () => {
    const { fixture, http, el } = setup();
    await paste(fixture, CSV);
    await submit(fixture);
    http.expectOne('/api/v1/groups/import').flush(...serverError(403, 'you may not import groups'));
    await fixture.whenStable();
    expect(byTestId(el, 'api-error')!.textContent).toContain('No tienes permiso para hacer esto');
    expect(byTestId(el, 'api-error')!.textContent).toContain('you may not import groups');
    expect(byTestId(el, 'import-report')).toBeNull();
  });
});
