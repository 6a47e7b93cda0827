import {
  Injectable,
  effect,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  untracked,
  type EnvironmentProviders,
} from '@angular/core';
import { DateAdapter, MAT_DATE_FORMATS, MAT_DATE_LOCALE, type MatDateFormats } from '@angular/material/core';
import { MatDatepickerIntl } from '@angular/material/datepicker';
import { DateFnsAdapter } from '@angular/material-date-fns-adapter';
import { format, isValid, parse, type Locale } from 'date-fns';
import { enGB } from 'date-fns/locale/en-GB';
import { es } from 'date-fns/locale/es';
import { bundledText } from './api-error-text';
import { LanguageService, type Language } from './i18n';

/** Month and weekday names, and the first day of the week, per language of the app. */
export const DATE_LOCALES: Record<Language, Locale> = { es, en: enGB };

/**
 * Day first and a 24-hour clock in both languages (es-ES and en-GB write them alike): what the date and time fields
 * show and read. A two-digit year is this century's.
 */
export const DATE_FORMATS: MatDateFormats = {
  parse: { dateInput: ['dd/MM/yy', 'dd/MM/yyyy'], timeInput: 'HH:mm' },
  display: {
    dateInput: 'dd/MM/yyyy',
    timeInput: 'HH:mm',
    monthYearLabel: 'LLLL yyyy',
    dateA11yLabel: 'PPPP',
    monthYearA11yLabel: 'LLLL yyyy',
    timeOptionLabel: 'HH:mm',
  },
};

/** Typed text is read in the fields' format only: as ISO 8601, a half-typed "21" would be the year 2100. */
@Injectable()
export class TypedDateAdapter extends DateFnsAdapter {
  override parse(value: unknown, parseFormat: string | string[]): Date | null {
    return this.parseTime(value, parseFormat);
  }
}

/** The calendar's buttons and labels in the app's language, from the bundled strings (ready before Transloco is). */
@Injectable()
export class TranslatedDatepickerIntl extends MatDatepickerIntl {
  private language = inject(LanguageService).language();

  constructor() {
    super();
    this.use(this.language);
  }

  use(language: Language): void {
    this.language = language;
    this.calendarLabel = this.text('label');
    this.openCalendarLabel = this.text('open');
    this.closeCalendarLabel = this.text('close');
    this.prevMonthLabel = this.text('previousMonth');
    this.nextMonthLabel = this.text('nextMonth');
    this.prevYearLabel = this.text('previousYear');
    this.nextYearLabel = this.text('nextYear');
    this.prevMultiYearLabel = this.text('previousYears');
    this.nextMultiYearLabel = this.text('nextYears');
    this.switchToMonthViewLabel = this.text('chooseDate');
    this.switchToMultiYearViewLabel = this.text('chooseMonthYear');
    this.changes.next();
  }

  override formatYearRangeLabel(start: string, end: string): string {
    return this.text('yearRange', { start, end });
  }

  private text(key: string, params: Record<string, string> = {}): string {
    return bundledText(this.language, `dates.calendar.${key}`, params) ?? key;
  }
}

/**
 * Material's date and time pickers on date-fns, following the app's language rather than the browser's: switching
 * language relabels the fields and any open calendar at once.
 */
export function provideDates(): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: MAT_DATE_LOCALE, useFactory: () => DATE_LOCALES[inject(LanguageService).language()] },
    { provide: DateAdapter, useClass: TypedDateAdapter },
    { provide: MAT_DATE_FORMATS, useValue: DATE_FORMATS },
    TranslatedDatepickerIntl,
    { provide: MatDatepickerIntl, useExisting: TranslatedDatepickerIntl },
    provideEnvironmentInitializer(() => {
      const adapter = inject<DateAdapter<Date, Locale>>(DateAdapter);
      const intl = inject(TranslatedDatepickerIntl);
      const language = inject(LanguageService);
      effect(() => {
        const current = language.language();
        // Only the language is tracked: the pickers read their own signals while they follow the new locale. The
        // locale goes first, as the calendar's header reads it again when the labels change.
        untracked(() => {
          adapter.setLocale(DATE_LOCALES[current]);
          intl.use(current);
        });
      });
    }),
  ]);
}

const BARE_DATE = 'yyyy-MM-dd';

/** A picked day as `YYYY-MM-DD` (its own calendar day, not UTC's); '' for none. */
export function toBareDate(date: Date | null): string {
  return date && isValid(date) ? format(date, BARE_DATE) : '';
}

/** The day a `YYYY-MM-DD` names, at local midnight; null for '' or a day that does not exist. */
export function fromBareDate(value: string): Date | null {
  const date = parse(value, BARE_DATE, new Date());
  return isValid(date) ? date : null;
}

/** The day of `date` at the hour and minute of `time`; null when either is missing or unreadable. */
export function atTime(date: Date | null, time: Date | null): Date | null {
  if (!date || !time || !isValid(date) || !isValid(time)) return null;
  return new Date(date.getFullYear(), date.getMonth(), date.getDate(), time.getHours(), time.getMinutes());
}
