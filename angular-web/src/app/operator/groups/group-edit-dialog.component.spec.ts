import { serverError, configureTestBed } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { TestKey } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { MatChipInputHarness } from '@angular/material/chips/testing';
import type { GroupResponse, ReceiverResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { GroupEditDialogComponent, type GroupEditData } from './group-edit-dialog.component';

const site = (name: string) => ({ name }) as ReceiverResponse;
const existing: GroupResponse = {
  id: 7,
  name: 'zona norte',
  displayName: 'Zona Norte',
  members: ['farmacia-1', 'farmacia-2'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

async function setup(data: GroupEditData = {}) {
  const close = vi.fn();
  configureTestBed(
    [GroupEditDialogComponent],
    [
      { provide: MatDialogRef, useValue: { close } },
      { provide: MAT_DIALOG_DATA, useValue: data },
    ],
  );
  const fixture = TestBed.createComponent(GroupEditDialogComponent);
  const http = TestBed.inject(HttpTestingController);
  await fixture.whenStable();
  http.expectOne('/api/v1/receivers').flush([site('farmacia-1'), site('farmacia-2'), site('farmacia-3')]);
  await fixture.whenStable();
  const chipInput = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatChipInputHarness);
  return { fixture, http, close, chipInput, el: fixture.nativeElement as HTMLElement };
}

const byTestId = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const chips = (el: HTMLElement) =>
  [...el.querySelectorAll('[data-testid="member-chip"]')].map((c) => c.textContent!.replace('cancel', '').trim());

async function typeName(fixture: ComponentFixture<unknown>, value: string) {
  const input = byTestId(fixture.nativeElement, 'group-name') as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

async function addMember(chipInput: MatChipInputHarness, value: string) {
  await chipInput.setValue(value);
  await chipInput.sendSeparatorKey(TestKey.ENTER);
}

async function save(fixture: ComponentFixture<unknown>) {
  byTestId(fixture.nativeElement, 'group-save')!.click();
  await fixture.whenStable();
}

/** The texts shown under the form field that holds the given input. */
function errorsUnder(el: HTMLElement, testId: string): string[] {
  const field = byTestId(el, testId)!.closest('mat-form-field')!;
  return [...field.querySelectorAll('mat-error')].map((e) => e.textContent!.trim());
}

describe('GroupEditDialogComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('checks the name and the members before sending anything', async () => {
    const { fixture, http, el } = await setup();
    await save(fixture);
    expect(errorsUnder(el, 'group-name')).toEqual(['Escribe un nombre para el grupo']);
    expect(errorsUnder(el, 'group-member-input')).toEqual(['Añade al menos un sitio']);
    http.expectNone('/api/v1/groups');
  });

  it('refuses a member twice and says so, keeping one chip', async () => {
    const { fixture, el, chipInput } = await setup();
    await addMember(chipInput, 'Farmacia-1');
    await addMember(chipInput, 'farmacia-1 ');
    await fixture.whenStable();
    expect(chips(el)).toEqual(['farmacia-1']);
    expect(byTestId(el, 'member-notice')!.textContent).toContain('Ya estaba en la lista: farmacia-1');
  });

  it('refuses a member that is not a site name and says so, adding no chip', async () => {
    const { fixture, el, chipInput } = await setup();
    await addMember(chipInput, '"><svg/onload=alert(1)>');
    await fixture.whenStable();
    expect(chips(el)).toEqual([]);
    expect(byTestId(el, 'member-notice')!.textContent).toContain(
      'No son nombres de sitio válidos (de 2 a 64 letras sin tildes, números, «.», «_» o «-», sin espacios): "><svg/onload=alert(1)>',
    );
  });

  it('adds many members from a pasted comma or newline separated list', async () => {
    const { fixture, el } = await setup();
    const input = byTestId(el, 'group-member-input') as HTMLInputElement;
    const paste = new Event('paste', { cancelable: true });
    Object.defineProperty(paste, 'clipboardData', { value: { getData: () => 'farmacia-1, Farmacia-9\nfarmacia-3\n' } });
    input.dispatchEvent(paste);
    await fixture.whenStable();
    expect(paste.defaultPrevented).toBe(true);
    expect(chips(el)).toEqual(['farmacia-1', 'farmacia-9', 'farmacia-3']);
  });

  it('creates the group with POST and closes with what the server saved', async () => {
    const { fixture, http, close, chipInput } = await setup();
    await typeName(fixture, 'Zona Norte');
    await addMember(chipInput, 'farmacia-1');
    // Still in the box, not yet turned into a chip: saving takes it too.
    await chipInput.setValue('Sitio-Futuro');
    await save(fixture);

    const request = http.expectOne('/api/v1/groups');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ name: 'Zona Norte', members: ['farmacia-1', 'sitio-futuro'] });
    const saved = { ...existing, members: ['farmacia-1', 'sitio-futuro'] };
    request.flush(saved);
    await fixture.whenStable();
    expect(close).toHaveBeenCalledWith(saved);
  });

  it('shows a taken name (409) under the name field and stays open', async () => {
    const { fixture, http, close, chipInput, el } = await setup();
    await typeName(fixture, 'zona norte');
    await addMember(chipInput, 'farmacia-1');
    await save(fixture);
    http.expectOne('/api/v1/groups').flush(...serverError(409, 'a group named "zona norte" already exists'));
    await fixture.whenStable();
    expect(errorsUnder(el, 'group-name')).toEqual(['Ya existe un grupo con ese nombre']);
    expect(close).not.toHaveBeenCalled();
  });

  it('changes a group with PUT to its URL-encoded current name, and shows field errors under their field', async () => {
    const { fixture, http, el } = await setup({ group: existing });
    expect(chips(el)).toEqual(['farmacia-1', 'farmacia-2']);
    (el.querySelector('[data-testid="member-chip"] button') as HTMLButtonElement).click();
    await fixture.whenStable();
    await typeName(fixture, 'zona norte/centro');
    await save(fixture);

    const request = http.expectOne('/api/v1/groups/zona%20norte');
    expect(request.request.method).toBe('PUT');
    expect(request.request.body).toEqual({ name: 'zona norte/centro', members: ['farmacia-2'] });
    request.flush(
      ...serverError(400, 'name must be shorter than or equal to 128 characters', {
        fields: { name: ['name must be shorter than or equal to 128 characters'] },
      }),
    );
    await fixture.whenStable();
    expect(errorsUnder(el, 'group-name')).toEqual(['name must be shorter than or equal to 128 characters']);
  });

  it('shows a refusal for restricted operators (403) in the dialog', async () => {
    const { fixture, http, chipInput, el } = await setup();
    await typeName(fixture, 'sur');
    await addMember(chipInput, 'farmacia-3');
    await save(fixture);
    http.expectOne('/api/v1/groups').flush(...serverError(403, 'you may not create groups'));
    await fixture.whenStable();
    expect(byTestId(el, 'api-error')!.textContent).toContain('No tienes permiso para hacer esto');
  });
});
