import { configureTestBed } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import type { ScheduledMessageResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { ScheduledEditDialogComponent } from './scheduled-edit-dialog.component';

/** Two days from now at 10:30 in the browser's zone. */
const AT = new Date();
AT.setDate(AT.getDate() + 2);
AT.setHours(10, 30, 0, 0);
const pad = (n: number) => String(n).padStart(2, '0');
const DAY = `${pad(AT.getDate())}/${pad(AT.getMonth() + 1)}/${AT.getFullYear()}`;

const ITEM: ScheduledMessageResponse = {
  id: 's1',
  state: 'scheduled',
  problem: null,
  sender: 'ana',
  senderDisplay: 'Ana',
  target: { kind: 'all', name: null },
  text: 'Inventario',
  priority: 'normal',
  ttlSeconds: 86400,
  replies: [],
  attachments: [],
  sendAt: AT.toISOString(),
  createdAt: '2026-12-04T08:00:00.000Z',
  updatedAt: '2026-12-04T08:00:00.000Z',
};

async function setup() {
  const close = vi.fn();
  configureTestBed(
    [ScheduledEditDialogComponent],
    [
      { provide: MAT_DIALOG_DATA, useValue: ITEM },
      { provide: MatDialogRef, useValue: { close } },
    ],
  );
  const fixture = TestBed.createComponent(ScheduledEditDialogComponent);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const input = (id: string) => el.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
  return { fixture, el, input, close, http: TestBed.inject(HttpTestingController) };
}

async function type(fixture: ComponentFixture<unknown>, input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
  await fixture.whenStable();
}

describe('ScheduledEditDialogComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows the send time day first and saves the time typed as the same instant the API took before', async () => {
    const { fixture, el, input, close, http } = await setup();
    expect(input('scheduled-edit-send-at').value).toBe(DAY);
    expect(input('scheduled-edit-send-at-time').value).toBe('10:30');
    await type(fixture, input('scheduled-edit-send-at-time'), '11:15');
    el.querySelector<HTMLElement>('[data-testid="scheduled-edit-save"]')!.click();
    await fixture.whenStable();

    const request = http.expectOne('/api/v1/messages/scheduled/s1');
    expect(request.request.method).toBe('PATCH');
    const expected = new Date(AT);
    expected.setHours(11, 15);
    expect(request.request.body).toEqual({
      target: { kind: 'all' },
      text: 'Inventario',
      priority: 'normal',
      ttlSeconds: 86400,
      sendAt: expected.toISOString(),
    });
    request.flush({ ...ITEM, sendAt: expected.toISOString() });
    expect(close).toHaveBeenCalledWith(expect.objectContaining({ sendAt: expected.toISOString() }));
  });

  it('refuses a day already gone under the time, in Spanish, before asking the server', async () => {
    const { fixture, el, input } = await setup();
    await type(fixture, input('scheduled-edit-send-at'), '01/01/2020');
    el.querySelector<HTMLElement>('[data-testid="scheduled-edit-save"]')!.click();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="scheduled-edit-send-at-error"]')?.textContent?.trim()).toBe(
      'Esa hora ya ha pasado',
    );
  });
});
