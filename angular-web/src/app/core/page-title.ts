import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';
import { TranslocoService } from '@jsverse/transloco';
import { BehaviorSubject, of, switchMap } from 'rxjs';

const APP_NAME = 'Avisa';

/**
 * Each route's `title` is a translation key: the browser tab reads "Historial — Avisa", and follows a change of
 * language without a navigation.
 */
@Injectable()
export class TranslatedTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);
  private readonly transloco = inject(TranslocoService);
  private readonly key = new BehaviorSubject<string | undefined>(undefined);

  constructor() {
    super();
    this.key
      .pipe(switchMap((key) => (key ? this.transloco.selectTranslate<string>(key) : of(''))))
      .subscribe((screen) => this.title.setTitle(screen ? `${screen} — ${APP_NAME}` : APP_NAME));
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.key.next(this.buildTitle(snapshot));
  }
}
