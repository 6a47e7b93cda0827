import { serverError, configureTestBed, renderLoaded } from '../../core/testing';
import { CdkDragDrop, CdkDropList } from '@angular/cdk/drag-drop';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import type { PhraseResponse } from '@avisa/contracts';
import { PhrasesComponent } from './phrases.component';

const phrases = (...texts: string[]): PhraseResponse[] => texts.map((text, i) => ({ id: i + 1, text, position: i }));
const INITIAL = phrases('Receta lista', 'Llamar al médico', 'Falta stock');

async function setup(list = INITIAL) {
  configureTestBed([PhrasesComponent]);
  return renderLoaded(PhrasesComponent, '/api/v1/phrases', list);
}

const byTestId = (el: Element, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const rows = (el: HTMLElement) => [...el.querySelectorAll<HTMLElement>('[data-testid="phrase-row"]')];
const texts = (el: HTMLElement) => rows(el).map((r) => byTestId(r, 'phrase-text')?.textContent?.trim());

async function type(fixture: ComponentFixture<unknown>, input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await fixture.whenStable();
}

async function key(fixture: ComponentFixture<unknown>, input: HTMLElement, name: string) {
  input.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
  await fixture.whenStable();
}

describe('PhrasesComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('shows the phrases in their order, with labelled move buttons', async () => {
    const { el } = await setup();
    expect(texts(el)).toEqual(['Receta lista', 'Llamar al médico', 'Falta stock']);
    const first = rows(el)[0];
    expect(byTestId(first, 'phrase-up')!.getAttribute('aria-label')).toBe('Subir «Receta lista»');
    expect((byTestId(first, 'phrase-up') as HTMLButtonElement).disabled).toBe(true);
    expect((byTestId(rows(el)[2], 'phrase-down') as HTMLButtonElement).disabled).toBe(true);
  });

  it('moves a phrase down with the keyboard button and sends the new id order', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[0], 'phrase-down')!.click();
    await fixture.whenStable();

    expect(texts(el)).toEqual(['Llamar al médico', 'Receta lista', 'Falta stock']);
    const request = http.expectOne('/api/v1/phrases/order');
    expect(request.request.method).toBe('PUT');
    expect(request.request.body).toEqual({ ids: [2, 1, 3] });
    request.flush([INITIAL[1], INITIAL[0], INITIAL[2]]);
    await fixture.whenStable();
    expect(byTestId(el, 'phrases-announcer')!.textContent).toContain('«Receta lista» movida a la posición 2 de 3');
  });

  it('sends quick successive moves one after another, each with the order at that moment', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[2], 'phrase-up')!.click();
    await fixture.whenStable();
    byTestId(rows(el)[1], 'phrase-up')!.click();
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Falta stock', 'Receta lista', 'Llamar al médico']);

    const first = http.expectOne('/api/v1/phrases/order');
    expect(first.request.body).toEqual({ ids: [1, 3, 2] });
    first.flush([INITIAL[0], INITIAL[2], INITIAL[1]]);
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Falta stock', 'Receta lista', 'Llamar al médico']);
    const second = http.expectOne('/api/v1/phrases/order');
    expect(second.request.body).toEqual({ ids: [3, 1, 2] });
    second.flush([INITIAL[2], INITIAL[0], INITIAL[1]]);
  });

  it('reorders by drag and drop', async () => {
    const { fixture, http, el } = await setup();
    const list = fixture.debugElement.query(By.directive(CdkDropList)).injector.get(CdkDropList);
    list.dropped.emit({ previousIndex: 2, currentIndex: 0 } as CdkDragDrop<unknown>);
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Falta stock', 'Receta lista', 'Llamar al médico']);
    expect(http.expectOne('/api/v1/phrases/order').request.body).toEqual({ ids: [3, 1, 2] });
  });

  it('puts the order back from the server and says why when a reorder is refused', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[0], 'phrase-down')!.click();
    await fixture.whenStable();
    http
      .expectOne('/api/v1/phrases/order')
      .flush(...serverError(400, 'ids must list every phrase exactly once: missing 4'));
    await fixture.whenStable();
    http.expectOne('/api/v1/phrases').flush(phrases('Receta lista', 'Llamar al médico', 'Falta stock', 'Nueva'));
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Receta lista', 'Llamar al médico', 'Falta stock', 'Nueva']);
    expect(byTestId(el, 'api-error')!.textContent).toContain('missing 4');
  });

  it('edits a phrase inline: Enter sends PATCH, Escape cancels without a request', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[1], 'phrase-edit')!.click();
    await fixture.whenStable();
    let input = byTestId(rows(el)[1], 'phrase-edit-input') as HTMLInputElement;
    expect(input.value).toBe('Llamar al médico');
    await type(fixture, input, 'Cambiado');
    await key(fixture, input, 'Escape');
    expect(byTestId(el, 'phrase-edit-input')).toBeNull();
    expect(texts(el)[1]).toBe('Llamar al médico');

    byTestId(rows(el)[1], 'phrase-edit')!.click();
    await fixture.whenStable();
    input = byTestId(rows(el)[1], 'phrase-edit-input') as HTMLInputElement;
    await type(fixture, input, '  Llamar a la doctora  ');
    await key(fixture, input, 'Enter');

    const request = http.expectOne('/api/v1/phrases/2');
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toEqual({ text: 'Llamar a la doctora' });
    request.flush(phrases('Receta lista', 'Llamar a la doctora', 'Falta stock'));
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Receta lista', 'Llamar a la doctora', 'Falta stock']);
  });

  it('shows an edit refused by the server (409) in that row and keeps editing', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[0], 'phrase-edit')!.click();
    await fixture.whenStable();
    const input = byTestId(rows(el)[0], 'phrase-edit-input') as HTMLInputElement;
    await type(fixture, input, 'Otra frase');
    await key(fixture, input, 'Enter');
    http.expectOne('/api/v1/phrases/1').flush(...serverError(409, 'the phrase "otra frase" already exists'));
    await fixture.whenStable();
    const error = byTestId(rows(el)[0], 'api-error');
    expect(error!.textContent).toContain('Choca con algo que ya existe');
    expect(error!.textContent).toContain('the phrase "otra frase" already exists');
    expect(byTestId(rows(el)[0], 'phrase-edit-input')).not.toBeNull();
  });

  it('adds a phrase with a character counter, refusing a repeat on the client first', async () => {
    const { fixture, http, el } = await setup();
    const input = byTestId(el, 'phrase-new') as HTMLInputElement;
    await type(fixture, input, 'receta LISTA');
    expect(byTestId(el, 'phrase-new-counter')!.textContent!.trim()).toBe('12 / 2000');
    byTestId(el, 'phrase-add')!.click();
    await fixture.whenStable();
    expect(input.closest('mat-form-field')!.querySelector('mat-error')!.textContent).toContain(
      'Esa frase ya está en la lista',
    );
    http.expectNone('/api/v1/phrases');

    await type(fixture, input, 'Pasar a recoger');
    byTestId(el, 'phrase-add')!.click();
    await fixture.whenStable();
    const request = http.expectOne('/api/v1/phrases');
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ text: 'Pasar a recoger' });
    request.flush([...INITIAL, { id: 4, text: 'Pasar a recoger', position: 3 }]);
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Receta lista', 'Llamar al médico', 'Falta stock', 'Pasar a recoger']);
    expect(input.value).toBe('');
  });

  it('shows the server refusing a new phrase (list full) next to the input', async () => {
    const { fixture, http, el } = await setup();
    await type(fixture, byTestId(el, 'phrase-new') as HTMLInputElement, 'Una más');
    byTestId(el, 'phrase-add')!.click();
    await fixture.whenStable();
    http
      .expectOne('/api/v1/phrases')
      .flush(...serverError(409, 'the list already holds 500 phrases; delete one first'));
    await fixture.whenStable();
    const form = byTestId(el, 'phrase-new')!.closest('form')!;
    expect(form.nextElementSibling?.textContent).toContain('the list already holds 500 phrases');
  });

  it('deletes a phrase after confirming', async () => {
    const { fixture, http, el } = await setup();
    byTestId(rows(el)[2], 'phrase-delete')!.click();
    await fixture.whenStable();
    const confirm = document.querySelector<HTMLButtonElement>('[data-testid="confirm"]');
    expect(document.body.textContent).toContain('Se eliminará «Falta stock» para todos los operadores.');
    confirm!.click();
    await fixture.whenStable();
    const request = http.expectOne('/api/v1/phrases/3');
    expect(request.request.method).toBe('DELETE');
    request.flush(null, { status: 204, statusText: 'No Content' });
    await fixture.whenStable();
    expect(texts(el)).toEqual(['Receta lista', 'Llamar al médico']);
  });
});
