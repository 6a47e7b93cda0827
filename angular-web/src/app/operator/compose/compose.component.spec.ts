import { configureTestBed, FakeLive, loggedInStorage, aReceiver, serverError } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { GroupResponse, PhraseResponse, ReceiverResponse, SendMessageResponse } from '@avisa/contracts';
import { LiveService } from '../../core/live.service';
import { SESSION_STORAGE, SessionStore } from '../../core/session.store';
import { ComposeComponent } from './compose.component';
import { ComposeDraftStore, type ComposeDraft } from './compose-draft.store';

const DRAFT_KEY = 'avisa.composeDraft';

const receiver = (name: string, online: boolean, displayName = name): ReceiverResponse =>
  aReceiver(name, online, { displayName, lastSeenAt: '2026-11-22T08:00:00.000Z', clientVersion: '1.0.0' });

const RECEIVERS = [
  receiver('farmacia-centro', true, 'Farmacia Centro'),
  receiver('farmacia-norte', false, 'Farmacia Norte'),
];
const GROUPS: GroupResponse[] = [
  {
    id: 1,
    name: 'zona-norte',
    displayName: 'Zona-Norte',
    members: ['farmacia-norte'],
    createdAt: '2026-11-01T08:00:00.000Z',
    updatedAt: '2026-11-01T08:00:00.000Z',
  },
];
const PHRASES: PhraseResponse[] = [{ id: 1, text: 'Revisad la nevera', position: 0 }];

async function setup(draft?: ComposeDraft) {
  const storage = loggedInStorage(draft ? { [DRAFT_KEY]: JSON.stringify({ owner: 1, draft }) } : {});
  const live = new FakeLive();
  configureTestBed(
    [ComposeComponent],
    [provideRouter([]), { provide: SESSION_STORAGE, useValue: storage }, { provide: LiveService, useValue: live }],
  );
  const fixture = TestBed.createComponent(ComposeComponent);
  const http = TestBed.inject(HttpTestingController);
  fixture.detectChanges();
  http.expectOne('/api/v1/receivers').flush(RECEIVERS);
  http.expectOne('/api/v1/groups').flush(GROUPS);
  http.expectOne('/api/v1/phrases').flush(PHRASES);
  http.expectOne('/api/v1/messages/scheduled').flush([]);
  await fixture.whenStable();
  return { fixture, http, storage, live, el: fixture.nativeElement as HTMLElement };
}

function byTestId<T extends HTMLElement = HTMLElement>(root: ParentNode, id: string): T {
  const found = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!found) throw new Error(`no element with data-testid="${id}"`);
  return found;
}

async function type(
  fixture: ComponentFixture<unknown>,
  element: HTMLInputElement | HTMLTextAreaElement,
  value: string,
) {
  element.value = value;
  element.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

async function click(fixture: ComponentFixture<unknown>, element: HTMLElement) {
  element.click();
  await fixture.whenStable();
}

/** mat-button-toggle puts its real button inside the element that carries the test id. */
const toggle = (el: HTMLElement, id: string) => byTestId(el, id).querySelector('button') as HTMLButtonElement;

describe('ComposeComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('counts characters as they are typed and refuses to send past the limit', async () => {
    const { fixture, el } = await setup();
    const text = byTestId<HTMLTextAreaElement>(el, 'compose-text');
    await type(fixture, text, 'Hola 👋');
    expect(byTestId(el, 'compose-counter').textContent?.trim()).toBe('6 / 2000');
    expect(byTestId<HTMLButtonElement>(el, 'compose-send').disabled).toBe(false);
    expect(el.querySelector('[data-testid="compose-too-long"]')).toBeNull();

    await type(fixture, text, 'x'.repeat(2001));
    expect(byTestId(el, 'compose-counter').textContent?.trim()).toBe('2001 / 2000');
    expect(byTestId(el, 'compose-counter').classList).toContain('av-error');
    expect(byTestId(el, 'compose-too-long').textContent).toContain('sobran 1');
    expect(byTestId<HTMLButtonElement>(el, 'compose-send').disabled).toBe(true);
  });

  it('inserts a quick phrase at the cursor, and appends it when the text box was never used', async () => {
    const { fixture, el } = await setup({
      kind: 'all',
      name: '',
      text: 'Aviso:',
      priority: 'normal',
      ttlSeconds: 86400,
      replies: [],
    });
    const text = byTestId<HTMLTextAreaElement>(el, 'compose-text');
    await click(fixture, byTestId(el, 'phrase-chip'));
    expect(text.value).toBe('Aviso: Revisad la nevera');

    await type(fixture, text, 'Hola equipo');
    text.focus();
    text.setSelectionRange(4, 4);
    await click(fixture, byTestId(el, 'phrase-chip'));
    expect(text.value).toBe('Hola Revisad la nevera equipo');
    expect(text.selectionStart).toBe('Hola Revisad la nevera'.length);
  });

  it('sends what was chosen and shows at once who got it, who waits and which names are unknown', async () => {
    const { fixture, http, el, storage } = await setup();
    await click(fixture, toggle(el, 'target-group'));
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-target-name'), ' zona-norte ');
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), '  Cierre a las 14:00  ');
    await click(fixture, byTestId(el, 'compose-priority').querySelector('.mat-mdc-select-trigger') as HTMLElement);
    await click(fixture, byTestId(document, 'priority-urgent'));
    await click(fixture, byTestId(el, 'compose-ttl').querySelector('.mat-mdc-select-trigger') as HTMLElement);
    await click(fixture, byTestId(document, 'ttl-0'));

    await click(fixture, byTestId(el, 'compose-send'));
    const request = http.expectOne('/api/v1/messages');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({
      target: { kind: 'group', name: 'zona-norte' },
      text: 'Cierre a las 14:00',
      priority: 'urgent',
      ttlSeconds: 0,
    });
    const response: SendMessageResponse = {
      id: '6f1c0a52-8d4e-4a57-9d1e-2b7f0c3e5a10',
      online: ['farmacia-centro'],
      queued: [],
      dropped: ['farmacia-norte'],
      unknown: ['farmacia-vieja'],
    };
    request.flush(response);
    await fixture.whenStable();

    const result = byTestId(el, 'compose-result');
    const items = (id: string) => [...byTestId(result, id).querySelectorAll('li')].map((li) => li.textContent?.trim());
    expect(items('result-online')).toEqual(['farmacia-centro']);
    expect(items('result-dropped')).toEqual(['farmacia-norte']);
    expect(items('result-unknown')).toEqual(['farmacia-vieja']);
    expect(result.querySelector('[data-testid="result-queued"]')).toBeNull();
    expect(byTestId(result, 'result-detail').getAttribute('href')).toBe(`/operator/history/${response.id}`);

    expect(byTestId<HTMLTextAreaElement>(el, 'compose-text').value).toBe('');
    // The target stays; priority and validity return to their defaults, so the next alert is not urgent by mistake.
    expect(JSON.parse(storage.getItem(DRAFT_KEY) ?? '{}').draft).toEqual({
      kind: 'group',
      name: ' zona-norte ',
      text: '',
      priority: 'normal',
      ttlSeconds: 86400,
      replies: [],
    });
    expect(byTestId(el, 'compose-priority').textContent).toContain('Normal');

    // A send that fails next leaves no panel of the previous one to be read as its answer.
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Otro aviso');
    await click(fixture, byTestId(el, 'compose-send'));
    http.expectOne('/api/v1/messages').flush(...serverError(409, 'group "zona-norte" has no enabled site to send to'));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="compose-result"]')).toBeNull();
  });

  it('schedules an alert for the time picked, shows when it goes out and reloads the scheduled list', async () => {
    const { fixture, http, el } = await setup();
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Inventario');
    await click(fixture, byTestId(el, 'compose-send-later').querySelector('input')!);
    const at = new Date(Date.now() + 3 * 3_600_000);
    at.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = `${pad(at.getDate())}/${pad(at.getMonth() + 1)}/${at.getFullYear()}`;
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-send-at'), day);
    await type(
      fixture,
      byTestId<HTMLInputElement>(el, 'compose-send-at-time'),
      `${pad(at.getHours())}:${pad(at.getMinutes())}`,
    );
    await click(fixture, byTestId(el, 'compose-send'));
    const request = http.expectOne('/api/v1/messages');
    expect(request.request.body).toEqual({
      target: { kind: 'all' },
      text: 'Inventario',
      priority: 'normal',
      ttlSeconds: 86400,
      sendAt: at.toISOString(),
    });
    request.flush(
      {
        id: 'm1',
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
        sendAt: at.toISOString(),
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      { status: 202, statusText: 'Accepted' },
    );
    await fixture.whenStable();
    http.expectOne('/api/v1/messages/scheduled').flush([]);
    await fixture.whenStable();
    expect(byTestId(el, 'compose-scheduled-result').textContent).toContain('Se enviará el');
    expect(el.querySelector('[data-testid="compose-send-at"]')).toBeNull();
  });

  it('refuses a send time in the past before asking the server', async () => {
    const { fixture, el } = await setup();
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Inventario');
    await click(fixture, byTestId(el, 'compose-send-later').querySelector('input')!);
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-send-at'), '01/01/2020');
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-send-at-time'), '09:00');
    await click(fixture, byTestId(el, 'compose-send'));
    expect(byTestId(el, 'compose-send-at-error').textContent).toContain('Esa hora ya ha pasado');
  });

  it('suggests the next whole hour day first, and says which field it cannot read before asking the server', async () => {
    const { fixture, el } = await setup();
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Inventario');
    await click(fixture, byTestId(el, 'compose-send-later').querySelector('input')!);
    expect(byTestId<HTMLInputElement>(el, 'compose-send-at').value).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(byTestId<HTMLInputElement>(el, 'compose-send-at-time').value).toMatch(/^\d{2}:00$/);
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-send-at'), '31/02/2027');
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-send-at-time'), '8.00');
    await click(fixture, byTestId(el, 'compose-send'));
    expect([...el.querySelectorAll('.send-at mat-error')].map((e) => e.textContent!.trim())).toEqual([
      'Escribe la fecha como dd/mm/aaaa',
      'Escribe la hora como hh:mm',
    ]);
  });

  it('sends to every site without a name when Ctrl+Enter is pressed in the text', async () => {
    const { fixture, http, el } = await setup();
    const text = byTestId<HTMLTextAreaElement>(el, 'compose-text');
    await type(fixture, text, 'Buenos días');
    text.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }));
    await fixture.whenStable();
    expect(http.expectOne('/api/v1/messages').request.body).toEqual({
      target: { kind: 'all' },
      text: 'Buenos días',
      priority: 'normal',
      ttlSeconds: 86400,
    });
  });

  it('offers up to three quick replies, the usual ones or typed, sends them and starts the next alert without them', async () => {
    const { fixture, http, el, storage } = await setup();
    const option = (reply: string) =>
      el.querySelector<HTMLElement>(`[data-testid="reply-option"][data-reply="${reply}"]`)!;
    const chip = (reply: string) => option(reply).querySelector<HTMLElement>('button') ?? option(reply);
    await click(fixture, chip('Recibido'));
    await click(fixture, chip('Llamadme'));
    await type(fixture, byTestId<HTMLInputElement>(el, 'reply-custom'), '  Ya está  ');
    await click(fixture, byTestId(el, 'reply-add'));
    expect(byTestId(el, 'compose-replies').textContent).toContain('Ya está');
    // Three chosen: the fourth cannot be picked.
    expect(
      option('Necesito ayuda').getAttribute('aria-disabled') ?? chip('Necesito ayuda').getAttribute('aria-disabled'),
    ).toBe('true');
    expect(byTestId<HTMLButtonElement>(el, 'reply-add').disabled).toBe(true);
    expect(JSON.parse(storage.getItem(DRAFT_KEY) ?? '{}').draft.replies).toEqual(['Recibido', 'Llamadme', 'Ya está']);

    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), '¿Os llegó el pedido?');
    await click(fixture, byTestId(el, 'compose-send'));
    const request = http.expectOne('/api/v1/messages');
    expect(request.request.body.replies).toEqual(['Recibido', 'Llamadme', 'Ya está']);
    request.flush({ id: 'm1', online: [], queued: [], dropped: [], unknown: [] });
    await fixture.whenStable();
    expect(TestBed.inject(ComposeDraftStore).draft().replies).toEqual([]);
    expect(el.querySelector('[data-testid="reply-option"][data-reply="Ya está"]')).toBeNull();
  });

  it('attaches shared files that are ready (clean or released), sends their ids and starts the next alert without them', async () => {
    const { fixture, http, el } = await setup();
    await click(fixture, byTestId(el, 'attach-button'));
    const file = (name: string, downloadable: boolean) => ({
      id: `00000000-0000-4000-8000-00000000000${name.length}`,
      name,
      size: 2048,
      mime: 'application/pdf',
      sha256: 'a'.repeat(64),
      state: downloadable ? 'clean' : 'infected',
      reason: null,
      uploadedBy: 'ana',
      createdAt: '2026-12-04T10:00:00.000Z',
      scannedAt: null,
      releasedBy: null,
      releasedAt: null,
      releaseReason: null,
      downloadable,
    });
    http.expectOne('/api/v1/files').flush([file('recall.pdf', true), file('virus.pdf', false)]);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="attach-virus.pdf"]')).toBeNull();
    await click(fixture, byTestId(el, 'attach-recall.pdf').querySelector('input') as HTMLElement);
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Retirada del lote 42');
    await click(fixture, byTestId(el, 'compose-send'));
    const request = http.expectOne('/api/v1/messages');
    expect(request.request.body.attachments).toEqual([file('recall.pdf', true).id]);
    request.flush({ id: 'm1', online: [], queued: [], dropped: [], unknown: [] });
    await fixture.whenStable();
    expect(byTestId(el, 'attach-button').textContent).not.toContain('(1)');
  });

  it('asks for the site before sending to one site', async () => {
    const { fixture, http, el } = await setup();
    await click(fixture, toggle(el, 'target-receiver'));
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Hola');
    await click(fixture, byTestId(el, 'compose-send'));
    http.expectNone('/api/v1/messages');
    expect(el.querySelector('mat-error')?.textContent).toContain('Escribe o elige el sitio');
  });

  it('shows a refused field under that field and keeps the text', async () => {
    const { fixture, http, el } = await setup();
    await click(fixture, toggle(el, 'target-receiver'));
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-target-name'), 'farmacia-centro');
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Revisad el pedido');
    await click(fixture, byTestId(el, 'compose-send'));
    http.expectOne('/api/v1/messages').flush(
      ...serverError(400, 'target.name must be shorter than or equal to 128 characters', {
        fields: { 'target.name': ['target.name must be shorter than or equal to 128 characters'] },
      }),
    );
    await fixture.whenStable();

    const nameField = byTestId(el, 'compose-target-name').closest('mat-form-field') as HTMLElement;
    expect(byTestId(nameField, 'compose-name-error').textContent).toContain('target.name must be shorter');
    expect(byTestId(el, 'api-error').textContent).toContain('Revisa los datos');
    expect(byTestId<HTMLTextAreaElement>(el, 'compose-text').value).toBe('Revisad el pedido');
    expect(el.querySelector('[data-testid="compose-result"]')).toBeNull();
  });

  it('says once, in Spanish and under the name, that a site does not exist', async () => {
    const { fixture, http, el } = await setup();
    await click(fixture, toggle(el, 'target-receiver'));
    await type(fixture, byTestId<HTMLInputElement>(el, 'compose-target-name'), 'farmacia-fantasma');
    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'Hola');
    await click(fixture, byTestId(el, 'compose-send'));
    http.expectOne('/api/v1/messages').flush(
      ...serverError(404, 'site "farmacia-fantasma" does not exist', {
        code: 'site.not_found',
        params: { name: 'farmacia-fantasma' },
        field: 'target.name',
      }),
    );
    await fixture.whenStable();

    const nameField = byTestId(el, 'compose-target-name').closest('mat-form-field') as HTMLElement;
    expect(byTestId(nameField, 'compose-name-error').textContent!.trim()).toBe(
      'El sitio «farmacia-fantasma» no existe.',
    );
    expect(el.querySelector('[data-testid="api-error"]')).toBeNull();
    expect(el.textContent).not.toContain('Ya no existe');
    expect(el.textContent).not.toContain('does not exist');
  });

  it('offers the sites that match what is typed, with their state', async () => {
    const { fixture, el } = await setup();
    await click(fixture, toggle(el, 'target-receiver'));
    const input = byTestId<HTMLInputElement>(el, 'compose-target-name');
    input.focus();
    input.dispatchEvent(new Event('focusin'));
    await type(fixture, input, 'norte');
    const options = [...document.querySelectorAll<HTMLElement>('[data-testid="target-option"]')];
    expect(options.map((o) => o.dataset['name'])).toEqual(['farmacia-norte']);
    expect(options[0].textContent).toContain('Farmacia Norte');
    expect(options[0].textContent).toContain('Desconectado');
  });

  it('restores the draft of this tab, and keeps what is typed in it', async () => {
    const draft: ComposeDraft = {
      kind: 'receiver',
      name: 'farmacia-norte',
      text: 'A medio escribir',
      priority: 'urgent',
      ttlSeconds: 3600,
      replies: ['Recibido'],
    };
    const { fixture, el, storage } = await setup(draft);
    expect(byTestId<HTMLTextAreaElement>(el, 'compose-text').value).toBe('A medio escribir');
    expect(byTestId<HTMLInputElement>(el, 'compose-target-name').value).toBe('farmacia-norte');
    expect(byTestId(el, 'target-receiver').classList).toContain('mat-button-toggle-checked');
    expect(byTestId(el, 'compose-priority').textContent).toContain('Urgente');
    expect(byTestId(el, 'compose-ttl').textContent).toContain('1 hora');

    await type(fixture, byTestId<HTMLTextAreaElement>(el, 'compose-text'), 'A medio escribir, y sigue');
    expect(JSON.parse(storage.getItem(DRAFT_KEY) ?? '{}')).toEqual({
      owner: 1,
      draft: { ...draft, text: 'A medio escribir, y sigue' },
    });
    expect(TestBed.inject(ComposeDraftStore).draft().text).toBe('A medio escribir, y sigue');
  });
});

describe('ComposeDraftStore', () => {
  const draft: ComposeDraft = {
    kind: 'all',
    name: '',
    text: 'De otra persona',
    priority: 'normal',
    ttlSeconds: 0,
    replies: [],
  };

  function store(owner: number) {
    const storage = loggedInStorage({ [DRAFT_KEY]: JSON.stringify({ owner, draft }) });
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), { provide: SESSION_STORAGE, useValue: storage }],
    });
    return { sut: TestBed.inject(ComposeDraftStore), storage };
  }

  it("does not restore another user's draft", () => {
    expect(store(2).sut.draft().text).toBe('');
  });

  it('keeps the draft when the session expires and drops it when the user logs out', () => {
    const { sut, storage } = store(1);
    const session = TestBed.inject(SessionStore);
    session.expire();
    TestBed.tick();
    expect(sut.draft().text).toBe('De otra persona');
    expect(storage.getItem(DRAFT_KEY)).not.toBeNull();
    session.end();
    TestBed.tick();
    expect(sut.draft().text).toBe('');
    expect(storage.getItem(DRAFT_KEY)).toBeNull();
  });
});
