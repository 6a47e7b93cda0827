import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import type { LoginResponse } from '@avisa/contracts';
import { type ApiProblem } from './api-error';
import { API_BASE } from './auth.interceptor';
import { LanguageService, type Language } from './i18n';
import { SessionStore } from './session.store';
import { SCREEN_KIT, FORM_KIT } from './ui/kit';
import { apiAction } from './api-resource';

/** Asks for the username and password; closes with true once this tab has a session. */
@Component({
  selector: 'av-login-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, MatButtonToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" data-testid="login-form">
      <h2 mat-dialog-title>{{ 'login.title' | transloco }}</h2>
      <mat-dialog-content>
        @switch (session.loginReason()) {
          @case ('expired') {
            <p class="notice" role="status" data-testid="login-reason">{{ 'login.expired' | transloco }}</p>
          }
          @case ('logged-out') {
            <p class="notice" role="status" data-testid="login-reason">{{ 'login.loggedOut' | transloco }}</p>
          }
        }
        <div class="fields">
          <mat-form-field class="av-full-width">
            <mat-label>{{ 'login.username' | transloco }}</mat-label>
            <input matInput formControlName="username" autocomplete="username" name="username" required />
            @if (form.controls.username.hasError('required')) {
              <mat-error>{{ 'login.usernameRequired' | transloco }}</mat-error>
            }
          </mat-form-field>
          <mat-form-field class="av-full-width">
            <mat-label>{{ 'login.password' | transloco }}</mat-label>
            <input
              matInput
              type="password"
              formControlName="password"
              autocomplete="current-password"
              name="password"
              required
            />
            @if (form.controls.password.hasError('required')) {
              <mat-error>{{ 'login.passwordRequired' | transloco }}</mat-error>
            }
          </mat-form-field>
        </div>
        @if (problem(); as p) {
          <p class="av-error" role="alert" data-testid="login-error">
            @switch (p.status) {
              @case (401) {
                {{ p.leadKey ? ('login.wrongCredentials' | transloco) : p.detail }}
              }
              @case (429) {
                {{ 'login.locked' | transloco: { minutes: lockedMinutes(p) } }}
              }
              @case (0) {
                {{ 'errors.offline' | transloco }}
              }
              @default {
                @if (p.leadKey) {
                  {{ p.leadKey | transloco }}
                }
                {{ p.detail }}
              }
            }
          </p>
        }
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" [attr.aria-label]="'common.loading' | transloco" />
        }
      </mat-dialog-content>
      <mat-dialog-actions>
        <mat-button-toggle-group
          [value]="language.language()"
          (change)="language.use($event.value)"
          [attr.aria-label]="'shell.language' | transloco"
          hideSingleSelectionIndicator
        >
          @for (l of languages; track l) {
            <mat-button-toggle [value]="l" [attr.data-testid]="'login-lang-' + l">{{
              l.toUpperCase()
            }}</mat-button-toggle>
          }
        </mat-button-toggle-group>
        <span class="spacer"></span>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="login-submit">
          {{ 'login.submit' | transloco }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .notice {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
      padding: 8px 12px;
      border-radius: 8px;
    }
    .spacer {
      flex: 1 1 auto;
    }
    mat-dialog-content {
      min-width: min(360px, 80vw);
    }
    /* room for the outlined field's floating label, which the scrolling content would clip */
    .fields {
      padding-top: 8px;
    }
  `,
})
export class LoginDialogComponent {
  private readonly http = inject(HttpClient);
  private readonly dialogRef = inject(MatDialogRef<LoginDialogComponent, boolean>);
  protected readonly session = inject(SessionStore);
  protected readonly language = inject(LanguageService);
  protected readonly languages: readonly Language[] = ['es', 'en'];
  private readonly login = apiAction();
  protected readonly busy = this.login.busy;
  protected readonly problem = this.login.problem;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    username: [this.session.user()?.username ?? '', Validators.required],
    password: ['', Validators.required],
  });

  protected submit(): void {
    if (this.form.invalid || this.busy()) {
      this.form.markAllAsTouched();
      return;
    }
    this.login.run(this.http.post<LoginResponse>(`${API_BASE}/auth/login`, this.form.getRawValue()), {
      next: (response) => this.dialogRef.close(this.session.start(response)),
      problem: (problem) => {
        this.problem.set(problem);
        this.form.controls.password.reset();
      },
    });
  }

  protected lockedMinutes(p: ApiProblem): number {
    return Math.max(1, Math.ceil((p.retryAfterSeconds ?? 900) / 60));
  }
}
