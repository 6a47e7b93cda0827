import { Pipe, PipeTransform, inject } from '@angular/core';
import { LanguageService } from './i18n';

/** Date and time in the app's language; '—' when there is none. */
@Pipe({ name: 'avDateTime', pure: false })
export class DateTimePipe implements PipeTransform {
  private readonly language = inject(LanguageService);

  transform(value: string | null | undefined, style: 'short' | 'medium' = 'short'): string {
    if (!value) return '—';
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return '—';
    return new Intl.DateTimeFormat(this.language.locale(), {
      dateStyle: 'short',
      timeStyle: style === 'medium' ? 'medium' : 'short',
    }).format(date);
  }
}
