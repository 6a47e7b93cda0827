import { serverError, configureTestBed, FakeLive, loggedInStorage } from '../../core/testing';
import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { Router, provideRouter } from '@angular/router';
import {
  emptyDeliveryCounts,
  type DeliveriesPage,
  type MessageResponse,
  type SiteDeliveryResponse,
} from '@avisa/contracts';
import { of } from 'rxjs';
import { vi } from 'vitest';
import { LiveService } from '../../core/live.service';
import { SESSION_STORAGE } from '../../core/session.store';
import { ConfirmDialogComponent } from '../../core/ui/confirm-dialog.component';
import { ComposeDraftStore } from '../compose/compose-draft.store';
import { MessageDetailComponent } from './message-detail.component';

const ID = '0b6f3c1e-5a2d-4c8e-9f7a-1d2e3f4a5b6c';
const MESSAGE = `/api/v1/messages/${ID}`;
const DELIVERIES = `${MESSAGE}/deliveries`;

const delivery = (receiver: string, state: SiteDeliveryResponse['state']): SiteDeliveryResponse => ({
  receiver,
  displayName: `Farmacia ${receiver.split('-')[1]}`,
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

function pageOf(items: SiteDeliveryResponse[], extra: Partial<MessageResponse> = {}): DeliveriesPage {
  const counts = emptyDeliveryCounts();
  for (const d of items) {
    counts[d.state]++;
    counts.total++;
  }
  const message: MessageResponse = {
    id: ID,
    sender: 'ana',
    senderDisplay: 'Ana Ruiz',
    target: { kind: 'group', name: 'zona-norte' },
    text: 'Cierre a las 14:00',
    priority: 'urgent',
    ttlSeconds: 86400,
    createdAt: '2026-11-22T10:00:00.000Z',
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    retractedAt: null,
    retractedBy: null,
    counts,
    replies: [],
    replied: 0,
    attachments: [],
    ...extra,
  };
  return { message, items, total: items.length, page: 1, pageSize: 100, replyTally: [], downloaded: 0 };
}

const OPEN = pageOf([
  delivery('farmacia-centro', 'delivered'),
  delivery('farmacia-norte', 'queued'),
  delivery('farmacia-sur', 'read'),
]);

async function setup(confirmed: boolean | undefined = true, shown: DeliveriesPage = OPEN) {
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
  const first = http.expectOne((r) => r.url === DELIVERIES);
  expect(first.request.params.toString()).toBe('sort=receiver&order=asc&page=1&pageSize=100');
  first.flush(shown);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const state = (receiver: string) =>
    el.querySelector<HTMLElement>(
      `[data-testid="delivery-row"][data-receiver="${receiver}"] [data-testid="delivery-state"]`,
    );
  const text = (testId: string) => el.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim();
  const click = async (testId: string) => {
    el.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!.click();
    await fixture.whenStable();
  };
  const next = (): TestRequest => http.expectOne((r) => r.url === DELIVERIES);
  return { fixture, http, live, dialog, el, state, text, click, next };
}

describe('MessageDetailComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows the alert, totals that say delivered includes read, and each site with its display name and state', async () => {
    const { el, state, text } = await setup();
    expect(text('detail-text')).toBe('Cierre a las 14:00');
    expect(text('detail-target')).toBe('Grupo zona-norte');
    expect(text('detail-priority')).toBe('Urgente');
    expect(text('detail-delivered')).toBe('2 de 3');
    expect(text('detail-read')).toBe('1 de 3');
    expect(text('detail-unread')).toBe('2 de 3');
    expect(el.textContent).toContain('Entregados (incluye leídos)');
    const chips = [...el.querySelectorAll('[data-testid="state-chip"]')].map((c) => c.textContent?.trim());
    expect(chips).toEqual(['En espera 1', 'Entregado, sin leer 1', 'Leído 1']);
    expect(el.querySelectorAll('[data-testid="delivery-row"]').length).toBe(3);
    expect(
      el.querySelector('[data-receiver="farmacia-norte"] [data-testid="delivery-display-name"]')?.textContent?.trim(),
    ).toBe('Farmacia norte');
    expect(state('farmacia-norte')?.dataset['state']).toBe('queued');
    expect(state('farmacia-norte')?.textContent?.trim()).toBe('En espera');
    expect(state('farmacia-centro')?.textContent?.trim()).toBe('Entregado, sin leer');
  });

  it('asks the server for the states picked, the column sorted and the page, back to the first page on a filter', async () => {
    const { fixture, el, next } = await setup();
    el.querySelector<HTMLElement>('[data-testid="state-chip"][data-state="read"] .mat-mdc-chip-action')!.click();
    await fixture.whenStable();
    const filtered = next();
    expect(filtered.request.params.get('state')).toBe('read');
    expect(filtered.request.params.get('page')).toBe('1');
    filtered.flush({ ...pageOf([delivery('farmacia-sur', 'read')]), message: OPEN.message });
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="delivery-row"]').length).toBe(1);
    expect(el.querySelector('[data-testid="detail-shown"]')?.textContent).toContain('1 de 3');

    el.querySelector<HTMLElement>('[data-testid="sort-readAt"] .mat-sort-header-container')!.click();
    await fixture.whenStable();
    const sorted = next();
    expect(sorted.request.params.get('sort')).toBe('readAt');
    expect(sorted.request.params.get('order')).toBe('asc');
    expect(sorted.request.params.get('state')).toBe('read');
    sorted.flush({ ...pageOf([delivery('farmacia-sur', 'read')]), message: OPEN.message });
    await fixture.whenStable();
  });

  it('searches by site after the typing pauses', async () => {
    const { fixture, el, next, http } = await setup();
    vi.useFakeTimers();
    try {
      const input = el.querySelector<HTMLInputElement>('[data-testid="detail-search"]')!;
      input.value = 'nor';
      input.dispatchEvent(new Event('input'));
      input.value = 'norte';
      input.dispatchEvent(new Event('input'));
      http.expectNone((r) => r.url === DELIVERIES);
      vi.advanceTimersByTime(350);
    } finally {
      vi.useRealTimers();
    }
    const searched = next();
    expect(searched.request.params.get('q')).toBe('norte');
    searched.flush({ ...pageOf([delivery('farmacia-norte', 'queued')]), message: OPEN.message });
    await fixture.whenStable();
  });

  it('follows receipts live: the row changes state and the totals move, with no reload of an unfiltered page', async () => {
    const { fixture, http, live, state, text } = await setup();
    live.deliveryUpdated$.next({
      messageId: ID,
      receiver: 'farmacia-norte',
      state: 'read',
      at: '2026-11-22T10:05:00.000Z',
      reminders: 0,
      flagged: false,
      counts: { ...OPEN.message.counts, queued: 0, read: 2 },
    });
    await fixture.whenStable();
    http.expectNone((r) => r.url === DELIVERIES);
    expect(state('farmacia-norte')?.dataset['state']).toBe('read');
    expect(text('detail-read')).toBe('2 de 3');
    expect(text('detail-delivered')).toBe('3 de 3');
  });

  it('re-sends to the unread sites after confirmation and says how many were told', async () => {
    const { fixture, http, dialog, click, text, next } = await setup();
    await click('detail-resend');
    expect(dialog.open).toHaveBeenCalledWith(
      ConfirmDialogComponent,
      expect.objectContaining({ data: expect.objectContaining({ params: { count: 2 } }) }),
    );
    const resend = http.expectOne(`${MESSAGE}/resend-unread`);
    expect(resend.request.method).toBe('POST');
    resend.flush({ told: ['farmacia-centro'], notConnected: 1 });
    await fixture.whenStable();
    next().flush(OPEN);
    await fixture.whenStable();
    expect(text('resend-result')).toContain('Vuelto a mostrar en 1 sitios conectados. 1 sitios sin leer');
  });

  it('copies the alert as a new one: a group of the sites that have not read it, then compose filled in', async () => {
    const { fixture, http, click, next } = await setup();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    await click('detail-copy');
    const unread = next();
    expect(unread.request.params.get('state')).toBe('queued,sent,delivered,expired');
    unread.flush({
      ...pageOf([delivery('farmacia-centro', 'delivered'), delivery('farmacia-norte', 'queued')]),
      pageSize: 500,
    });
    await fixture.whenStable();
    const group = http.expectOne('/api/v1/groups');
    expect(group.request.body.members).toEqual(['farmacia-centro', 'farmacia-norte']);
    expect(group.request.body.name).toMatch(/^sin leer \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · Cierre a las 14:00$/);
    group.flush({ id: 7, name: 'sin leer x', members: [], createdAt: '', updatedAt: '' });
    await fixture.whenStable();
    expect(TestBed.inject(ComposeDraftStore).draft()).toMatchObject({
      kind: 'group',
      name: 'sin leer x',
      text: 'Cierre a las 14:00',
      priority: 'urgent',
    });
    expect(navigate).toHaveBeenCalledWith(['/operator/compose']);
  });

  it('copies to the one site that has not read it without a group', async () => {
    const one = pageOf([delivery('farmacia-centro', 'read'), delivery('farmacia-norte', 'expired')]);
    const { fixture, http, dialog, click, next } = await setup(true, one);
    vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    await click('detail-copy');
    expect(dialog.open).not.toHaveBeenCalled();
    next().flush(pageOf([delivery('farmacia-norte', 'expired')]));
    await fixture.whenStable();
    http.expectNone('/api/v1/groups');
    expect(TestBed.inject(ComposeDraftStore).draft()).toMatchObject({ kind: 'receiver', name: 'farmacia-norte' });
  });

  it('exports the sites with the filters shown as a CSV download named by the server', async () => {
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:alert';
    });
    URL.revokeObjectURL = vi.fn();
    const clicks: string[] = [];
    const anchorClick = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicks.push(this.download);
    });
    try {
      const { fixture, http, el, click, next } = await setup();
      el.querySelector<HTMLElement>('[data-testid="state-chip"][data-state="queued"] .mat-mdc-chip-action')!.click();
      await fixture.whenStable();
      next().flush(OPEN);
      await fixture.whenStable();
      await click('detail-export');
      const exported = http.expectOne((r) => r.url === `${DELIVERIES}/export`);
      expect(exported.request.params.toString()).toBe('state=queued&sort=receiver&order=asc');
      exported.flush('site,display_name\nfarmacia-norte,Farmacia norte\n', {
        headers: { 'content-disposition': 'attachment; filename="avisa-aviso-0b6f3c1e.csv"' },
      });
      await fixture.whenStable();
      expect(clicks).toEqual(['avisa-aviso-0b6f3c1e.csv']);
      expect(await created[0].text()).toBe('site,display_name\nfarmacia-norte,Farmacia norte\n');
    } finally {
      anchorClick.mockRestore();
    }
  });

  it('withdraws the alert after confirmation and then shows it withdrawn', async () => {
    const { fixture, http, click, text, next, el } = await setup(true);
    await click('retract');
    http.expectOne(`${MESSAGE}/retract`).flush(OPEN.message);
    await fixture.whenStable();
    next().flush(
      pageOf(
        [
          delivery('farmacia-centro', 'delivered'),
          { ...delivery('farmacia-norte', 'queued'), state: 'retracted' },
          delivery('farmacia-sur', 'read'),
        ],
        { retractedAt: '2026-11-22T10:10:00.000Z', retractedBy: 'ana' },
      ),
    );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="retract"]')).toBeNull();
    expect(text('detail-retracted')).toContain('Retirado por ana');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="detail-resend"]')?.disabled).toBe(true);
  });

  it('shows why a withdrawal was refused', async () => {
    const { fixture, http, click, text } = await setup(true);
    await click('retract');
    http.expectOne(`${MESSAGE}/retract`).flush(...serverError(409, 'this alert was already withdrawn'));
    await fixture.whenStable();
    expect(text('api-error')).toContain('this alert was already withdrawn');
  });
});
