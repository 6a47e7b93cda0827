import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatDialog } from '@angular/material/dialog';
import { PageFocus } from './page-focus';

describe('PageFocus', () => {
  let openDialogs: unknown[];
  let main: HTMLElement;

  beforeEach(() => {
    openDialogs = [];
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), { provide: MatDialog, useValue: { openDialogs } }],
    });
    main = document.createElement('main');
    main.tabIndex = -1;
    document.body.append(main);
  });
  afterEach(() => main.remove());

  const heading = (text: string, level = 'h1') => {
    const h = document.createElement(level);
    h.textContent = text;
    return h;
  };

  it("focuses the screen's heading, making it focusable without putting it in the Tab order", () => {
    main.append(heading('Historial'));
    TestBed.inject(PageFocus).toHeading();
    expect(document.activeElement?.textContent).toBe('Historial');
    expect(document.activeElement?.getAttribute('tabindex')).toBe('-1');
  });

  it('prefers the heading a screen marks as its own, such as the open chat room', () => {
    const room = heading('Turno de noche', 'h2');
    room.setAttribute('data-page-heading', '');
    main.append(heading('Chat'), room);
    TestBed.inject(PageFocus).toHeading();
    expect(document.activeElement?.textContent).toBe('Turno de noche');
  });

  it('waits for a heading that a lazy screen renders a moment later', async () => {
    TestBed.inject(PageFocus).toHeading();
    expect(document.activeElement).toBe(document.body);
    main.append(heading('Grupos'));
    await new Promise((resolve) => setTimeout(resolve));
    expect(document.activeElement?.textContent).toBe('Grupos');
  });

  it('never takes the focus from an open dialog', () => {
    openDialogs.push({});
    main.append(heading('Enviar aviso'));
    TestBed.inject(PageFocus).toHeading();
    expect(document.activeElement).toBe(document.body);
  });

  it('after a dialog, leaves the focus where the dialog gave it back', () => {
    const draft = document.createElement('textarea');
    main.append(heading('Enviar aviso'), draft);
    draft.focus();
    TestBed.inject(PageFocus).toHeadingIfLost();
    expect(document.activeElement).toBe(draft);

    draft.blur();
    TestBed.inject(PageFocus).toHeadingIfLost();
    expect(document.activeElement?.textContent).toBe('Enviar aviso');
  });
});
