import { DOCUMENT } from '@angular/common';
import { Injectable, inject, isDevMode, signal } from '@angular/core';
import { MatPaginatorIntl } from '@angular/material/paginator';
import { Translation, TranslocoLoader, TranslocoService, provideTransloco } from '@jsverse/transloco';
import { Observable, of } from 'rxjs';
import enAdmin from '../../i18n/en/admin.json';
import enAlertDetail from '../../i18n/en/alert-detail.json';
import enAuditDetails from '../../i18n/en/audit-details.json';
import enChat from '../../i18n/en/chat.json';
import enFiles from '../../i18n/en/files.json';
import enCore from '../../i18n/en/core.json';
import enErrors from '../../i18n/en/errors.json';
import enGroups from '../../i18n/en/groups.json';
import enHome from '../../i18n/en/home.json';
import enLayout from '../../i18n/en/layout.json';
import enManage from '../../i18n/en/manage.json';
import enOperator from '../../i18n/en/operator.json';
import enSchedule from '../../i18n/en/schedule.json';
import enSites from '../../i18n/en/sites.json';
import esAdmin from '../../i18n/es/admin.json';
import esAlertDetail from '../../i18n/es/alert-detail.json';
import esAuditDetails from '../../i18n/es/audit-details.json';
import esChat from '../../i18n/es/chat.json';
import esFiles from '../../i18n/es/files.json';
import esCore from '../../i18n/es/core.json';
import esErrors from '../../i18n/es/errors.json';
import esGroups from '../../i18n/es/groups.json';
import esHome from '../../i18n/es/home.json';
import esLayout from '../../i18n/es/layout.json';
import esManage from '../../i18n/es/manage.json';
import esOperator from '../../i18n/es/operator.json';
import esSchedule from '../../i18n/es/schedule.json';
import esSites from '../../i18n/es/sites.json';

export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every string of the app, per language; each area keeps its own file so areas can grow independently. */
export const TRANSLATIONS: Record<Language, Translation> = {
  es: {
    ...esCore,
    ...esOperator,
    ...esGroups,
    ...esAdmin,
    ...esManage,
    ...esChat,
    ...esFiles,
    ...esAlertDetail,
    ...esHome,
    ...esSchedule,
    ...esSites,
    ...esLayout,
    ...esErrors,
    ...esAuditDetails,
  },
  en: {
    ...enCore,
    ...enOperator,
    ...enGroups,
    ...enAdmin,
    ...enManage,
    ...enChat,
    ...enFiles,
    ...enAlertDetail,
    ...enHome,
    ...enSchedule,
    ...enSites,
    ...enLayout,
    ...enErrors,
    ...enAuditDetails,
  },
};

/** Translations ship inside the bundle: no extra request, and the strict CSP stays simple. */
@Injectable({ providedIn: 'root' })
export class BundledTranslationLoader implements TranslocoLoader {
  getTranslation(lang: string): Observable<Translation> {
    return of(TRANSLATIONS[lang as Language] ?? TRANSLATIONS.es);
  }
}

const LANGUAGE_KEY = 'avisa.language';

export function provideI18n() {
  return provideTransloco({
    config: {
      availableLangs: [...LANGUAGES],
      defaultLang: 'es',
      fallbackLang: 'es',
      reRenderOnLangChange: true,
      prodMode: !isDevMode(),
      missingHandler: { logMissingKey: true, useFallbackTranslation: false, allowEmpty: false },
    },
    loader: BundledTranslationLoader,
  });
}

/** The chosen language, kept across sessions in this browser; Spanish unless the user picked English. */
@Injectable({ providedIn: 'root' })
export class LanguageService {
  private readonly transloco = inject(TranslocoService);
  private readonly document = inject(DOCUMENT);
  readonly language = signal<Language>(this.stored());

  constructor() {
    this.apply(this.language());
  }

  use(language: Language): void {
    this.language.set(language);
    localStorage.setItem(LANGUAGE_KEY, language);
    this.apply(language);
  }

  /** BCP 47 tag for dates and numbers. */
  locale(): string {
    return this.language() === 'en' ? 'en-GB' : 'es-ES';
  }

  private apply(language: Language): void {
    this.transloco.setActiveLang(language);
    this.document.documentElement.lang = language;
  }

  private stored(): Language {
    const value = localStorage.getItem(LANGUAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : 'es';
  }
}

/** Material's paginator speaks the app's language too. */
@Injectable()
export class TranslatedPaginatorIntl extends MatPaginatorIntl {
  private readonly transloco = inject(TranslocoService);

  constructor() {
    super();
    this.transloco.langChanges$.subscribe(() => {
      this.itemsPerPageLabel = this.transloco.translate('paginator.itemsPerPage');
      this.nextPageLabel = this.transloco.translate('paginator.next');
      this.previousPageLabel = this.transloco.translate('paginator.previous');
      this.firstPageLabel = this.transloco.translate('paginator.first');
      this.lastPageLabel = this.transloco.translate('paginator.last');
      this.changes.next();
    });
  }

  override getRangeLabel = (page: number, pageSize: number, length: number): string => {
    if (length === 0) return this.transloco.translate('paginator.empty');
    const start = page * pageSize + 1;
    const end = Math.min(length, (page + 1) * pageSize);
    return this.transloco.translate('paginator.range', { start, end, length });
  };
}
