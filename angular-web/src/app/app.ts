import { ChangeDetectionStrategy, Component, effect, inject, untracked } from '@angular/core';
import { MatDialog, MatDialogRef } from '@angular/material/dialog';
import { MatIconRegistry } from '@angular/material/icon';
import { LoginDialogComponent } from './core/login-dialog.component';
import { LanguageService } from './core/i18n';
import { LiveService } from './core/live.service';
import { PageFocus } from './core/page-focus';
import { SessionStore } from './core/session.store';
import { ShellComponent } from './core/shell.component';
import { ThemeService } from './core/theme.service';

/**
 * The screens stay rendered while the login dialog is open, so a session that expires
 * mid-sentence comes back to the same screen with the same draft.
 */
@Component({
  selector: 'av-root',
  imports: [ShellComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (session.user()) {
      <av-shell />
    }
  `,
  styles: `
    :host {
      display: block;
      height: 100%;
    }
  `,
})
export class App {
  protected readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly pageFocus = inject(PageFocus);
  private loginRef: MatDialogRef<LoginDialogComponent, boolean> | null = null;

  constructor() {
    inject(MatIconRegistry).setDefaultFontSetClass('material-symbols-outlined');
    inject(LanguageService);
    inject(ThemeService);
    inject(LiveService);
    effect(() => {
      if (this.session.authenticated()) return;
      untracked(() => this.askToLogIn());
    });
  }

  private askToLogIn(): void {
    if (this.loginRef) return;
    this.dialog.closeAll();
    this.loginRef = this.dialog.open(LoginDialogComponent, {
      disableClose: true,
      autoFocus: 'first-tabbable',
      id: 'login-dialog',
    });
    this.loginRef.afterClosed().subscribe((sameUser) => {
      this.loginRef = null;
      // Someone else logged in over an expired session: start the screens afresh for them.
      if (sameUser === false) location.assign('/');
      // After a first login the focus would be left on <body>; after an expired session it goes back to the draft.
      else setTimeout(() => this.pageFocus.toHeadingIfLost());
    });
  }
}
