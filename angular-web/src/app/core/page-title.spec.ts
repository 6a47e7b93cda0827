import { Component, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { Router, Routes, TitleStrategy, provideRouter } from '@angular/router';
import { TranslocoService, TranslocoTestingModule } from '@jsverse/transloco';
import { ADMIN_ROUTES } from '../admin/admin.routes';
import { routes } from '../app.routes';
import { OPERATOR_ROUTES } from '../operator/operator.routes';
import { TRANSLATIONS } from './i18n';
import { TranslatedTitleStrategy } from './page-title';

@Component({ template: '' })
class BlankComponent {}

const lookUp = (tree: unknown, key: string): unknown =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);

describe('TranslatedTitleStrategy', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [
        TranslocoTestingModule.forRoot({
          langs: { es: TRANSLATIONS.es, en: TRANSLATIONS.en },
          translocoConfig: { availableLangs: ['es', 'en'], defaultLang: 'es' },
          preloadLangs: true,
        }),
      ],
      providers: [
        provideZonelessChangeDetection(),
        provideRouter([
          { path: 'history', title: 'nav.history', component: BlankComponent },
          { path: 'untitled', component: BlankComponent },
        ]),
        { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
      ],
    });
  });

  it("names the tab after the screen in the app's language, and follows a change of language", async () => {
    const title = TestBed.inject(Title);
    await TestBed.inject(Router).navigateByUrl('/history');
    expect(title.getTitle()).toBe('Historial — Avisa');

    TestBed.inject(TranslocoService).setActiveLang('en');
    expect(title.getTitle()).toBe('History — Avisa');

    await TestBed.inject(Router).navigateByUrl('/untitled');
    expect(title.getTitle()).toBe('Avisa');
  });

  it('finds every screen title among the translations of both languages', () => {
    const screens: Routes = [...routes, ...OPERATOR_ROUTES, ...ADMIN_ROUTES].filter((r) => r.loadComponent);
    const missing = screens.flatMap((r) =>
      (['es', 'en'] as const)
        .filter((lang) => typeof r.title !== 'string' || typeof lookUp(TRANSLATIONS[lang], r.title) !== 'string')
        .map((lang) => `${r.path} (${lang}): ${String(r.title)}`),
    );
    expect(screens.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
