import { serverError, configureTestBed, FakeLive, loggedInStorage } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import { emptyDeliveryCounts, type DeliveryResponse, type MessageDetailResponse } from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { LiveService } from '../../core/live.service';
import { SESSION_STORAGE } from '../../core/session.store';
import { ConfirmDialogComponent } from '../../core/ui/confirm-dialog.component';
import { MessageDetailComponent } from './message-detail.component';

const ID = '0b6f3c1e-5a2d-4c8e-9f7a-1d2e3f4a5b6c';
const URL = `/api/v1/messages/${ID}`;

const delivery = (receiver: string, state: DeliveryResponse['state']): DeliveryResponse => ({
  receiver,
  state,
  createdAt: '2026-11-22T10:00:00.000Z',
  sentAt: state === 'queued' ? null : '2026-11-22T10:00:01.000Z',
  deliveredAt: state === 'delivered' || state === 'read' ? '2026-11-22T10:00:02.000Z' : null,
  readAt: state === 'read' ? '2026-11-22T10:01:00.000Z' : null,
  endedAt: null,
  attempts: state === 'queued' ? 0 : 1,
  reminders: 0,
  flagged: false,
  reply: null,
  repliedAt: null,
  attachmentsDownloadedAt: null,
});

function message(deliveries: DeliveryResponse[], retractedAt: string | null = null): MessageDetailResponse {
  const counts = emptyDeliveryCounts();
  for (const d of deliveries) {
    counts[d.state]++;
    counts.total++;
  }
  return {
    id: ID,
    sender: 'ana',
    senderDisplay: 'Ana Ruiz',
    target: { kind: 'group', name: 'zona-norte' },
    text: 'Cierre a las 14:00',
    priority: 'urgent',
    ttlSeconds: 86400,
    createdAt: '2026-11-22T10:00:00.000Z',
    expiresAt: '2026-11-23T10:00:00.000Z',
    retractedAt,
    retractedBy: retractedAt ? 'ana' : null,
    counts,
    replies: [],
    replied: 0,
    attachments: [],
    deliveries,
  };
}

const OPEN = message([
  delivery('farmacia-centro', 'delivered'),
  delivery('farmacia-norte', 'queued'),
  delivery('farmacia-sur', 'read'),
]);

async function setup(confirmed: boolean | undefined = true, shown: MessageDetailResponse = OPEN) {
  const live = new FakeLive();
  const dialog = { open: vi.fn(() => ({ afterClosed: () => of(confirmed) })) };
  configureTestBed(
    [MessageDetailComponent],
    [
      provideRouter([]),
      { provide: SESSION_STORAGE, useValue: loggedInStorage() },
      { provide: LiveService, useValue: live },
      { provide: MatDialog, useValue: dialog },
    ],
  );
  const fixture = TestBed.createComponent(MessageDetailComponent);
  fixture.componentRef.setInput('id', ID);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  await fixture.whenStable();
  http.expectOne(URL).flush(shown);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const state = (receiver: string) =>
    el.querySelector<HTMLElement>(
      `[data-testid="delivery-row"][data-receiver="${receiver}"] [data-testid="delivery-state"]`,
    );
  const text = (testId: string) => el.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim();
  return { fixture, http, live, dialog, el, state, text };
}

describe('MessageDetailComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows the alert and each site with its translated state', async () => {
    const { el, state, text } = await setup();
    expect(text('detail-text')).toBe('Cierre a las 14:00');
    expect(text('detail-target')).toBe('Grupo zona-norte');
    expect(text('detail-priority')).toBe('Urgente');
    expect(text('detail-delivered')).toBe('2/3');
    expect(text('detail-read')).toBe('1/3');
    expect(el.querySelectorAll('[data-testid="delivery-row"]').length).toBe(3);
    expect(state('farmacia-norte')?.dataset['state']).toBe('queued');
    expect(state('farmacia-norte')?.textContent?.trim()).toBe('En espera');
    expect(state('farmacia-norte')?.querySelector('.av-state')?.classList).toContain('av-state-queued');
  });

  it('follows receipts live: the site row changes state and the counts move', async () => {
    const { fixture, http, live, state, text, el } = await setup();
    const counts = { ...OPEN.counts, queued: 0, read: 2 };
    live.deliveryUpdated$.next({
      messageId: ID,
      receiver: 'farmacia-norte',
      state: 'read',
      at: '2026-11-22T10:05:00.000Z',
      reminders: 0,
      flagged: false,
      counts,
    });
    live.deliveryUpdated$.next({
      messageId: 'another-alert',
      receiver: 'farmacia-centro',
      state: 'read',
      at: '2026-11-22T10:05:00.000Z',
      reminders: 0,
      flagged: false,
      counts,
    });
    await fixture.whenStable();
    http.expectNone(URL);
    expect(state('farmacia-norte')?.dataset['state']).toBe('read');
    expect(state('farmacia-norte')?.textContent?.trim()).toBe('Leído');
    expect(state('farmacia-centro')?.dataset['state']).toBe('delivered');
    const row = el.querySelector('[data-receiver="farmacia-norte"]');
    expect(row?.querySelector('[data-testid="delivery-read-at"]')?.textContent?.trim()).not.toBe('—');
    expect(text('detail-read')).toBe('2/3');
    expect(text('detail-delivered')).toBe('3/3');
  });

  it("shows the quick replies offered, each site's answer and a count per reply, following new replies live", async () => {
    const replied = { ...delivery('farmacia-sur', 'read'), reply: 'Llamadme', repliedAt: '2026-11-22T10:01:00.000Z' };
    const withReplies = {
      ...message([delivery('farmacia-centro', 'delivered'), replied]),
      replies: ['Recibido', 'Llamadme'],
      replied: 1,
    };
    const { fixture, live, el, text } = await setup(true, withReplies);
    const tally = () =>
      [...el.querySelectorAll<HTMLElement>('[data-testid="reply-tally"]')].map((t) => t.textContent?.trim());
    const replyOf = (receiver: string) =>
      el.querySelector(`[data-receiver="${receiver}"] [data-testid="delivery-reply"]`)?.textContent?.trim() ?? '';
    expect(tally()).toEqual(['Recibido 0', 'Llamadme 1']);
    expect(replyOf('farmacia-sur')).toContain('Llamadme');
    expect(replyOf('farmacia-centro')).toBe('');

    live.deliveryUpdated$.next({
      messageId: ID,
      receiver: 'farmacia-centro',
      state: 'read',
      at: '2026-11-22T10:07:00.000Z',
      reminders: 0,
      flagged: false,
      reply: 'Recibido',
      counts: { ...withReplies.counts, delivered: 0, read: 2 },
    });
    await fixture.whenStable();
    expect(tally()).toEqual(['Recibido 1', 'Llamadme 1']);
    expect(replyOf('farmacia-centro')).toContain('Recibido');
    expect(text('detail-replies')).toContain('2 de 2');
  });

  it('withdraws the alert after confirmation and then shows it withdrawn', async () => {
    const { fixture, http, dialog, el, state, text } = await setup(true);
    el.querySelector<HTMLButtonElement>('[data-testid="retract"]')!.click();
    await fixture.whenStable();
    expect(dialog.open).toHaveBeenCalledWith(
      ConfirmDialogComponent,
      expect.objectContaining({ data: expect.objectContaining({ danger: true }) }),
    );

    const retract = http.expectOne(`${URL}/retract`);
    expect(retract.request.method).toBe('POST');
    const retracted = message(
      [
        delivery('farmacia-centro', 'delivered'),
        { ...delivery('farmacia-norte', 'queued'), state: 'retracted' },
        delivery('farmacia-sur', 'read'),
      ],
      '2026-11-22T10:10:00.000Z',
    );
    retract.flush(retracted);
    await fixture.whenStable();
    http.expectOne(URL).flush(retracted);
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="retract"]')).toBeNull();
    expect(text('detail-retracted')).toContain('Retirado por ana');
    expect(state('farmacia-norte')?.dataset['state']).toBe('retracted');
  });

  it('sends nothing when the confirmation is cancelled', async () => {
    const { fixture, http, el } = await setup(false);
    el.querySelector<HTMLButtonElement>('[data-testid="retract"]')!.click();
    await fixture.whenStable();
    http.expectNone(`${URL}/retract`);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="retract"]')?.disabled).toBe(false);
  });

  it('shows why a withdrawal was refused next to the button', async () => {
    const { fixture, http, el, text } = await setup(true);
    el.querySelector<HTMLButtonElement>('[data-testid="retract"]')!.click();
    await fixture.whenStable();
    http.expectOne(`${URL}/retract`).flush(...serverError(409, 'this alert was already withdrawn'));
    await fixture.whenStable();
    expect(text('api-error')).toContain('this alert was already withdrawn');
  });

  it('offers no withdrawal when every copy has ended', async () => {
    const { fixture, http, live, el } = await setup();
    live.resynced$.next();
    http
      .expectOne(URL)
      .flush(
        message([delivery('farmacia-sur', 'read'), { ...delivery('farmacia-norte', 'queued'), state: 'expired' }]),
      );
    await fixture.whenStable();
    expect(el.querySelector<HTMLButtonElement>('[data-testid="retract"]')?.disabled).toBe(true);
    expect(el.querySelector('[data-testid="retract-unavailable"]')).not.toBeNull();
  });
});
