import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, type AbstractControl, type ValidationErrors } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { TOKEN_SCOPES, type CreatedApiTokenResponse, type TokenScope } from '@avisa/contracts';
import { TranslocoPipe, TranslocoService } from '@jsverse/transloco';
import { finalize } from 'rxjs';
import { type ApiProblem, fieldProblems, toApiProblem } from '../../core/api-error';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { NAME_MAX, NAME_MIN, nameValidator, normalizeName } from '../shared/names';
import { OneTimeSecretComponent } from '../shared/one-time-secret.component';
import { TokensApi } from './tokens.api';

/** Expiry choices in days; 0 is "never". The API takes 1 to 3650. */
export const EXPIRY_CHOICES = [0, 30, 90, 180, 365, 730] as const;

const atLeastOne = (control: AbstractControl<Record<TokenScope, boolean>>): ValidationErrors | null =>
  Object.values(control.value).some(Boolean) ? null : { noScope: true };

/** Creates an API token, then shows it the only time the server gives it out, with a curl example. */
@Component({
  selector: 'av-token-create-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    MatCheckboxModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    ApiErrorComponent,
    OneTimeSecretComponent,
    TranslocoPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (created(); as t) {
      <h2 mat-dialog-title>{{ 'tokens.created.title' | transloco: { name: t.name } }}</h2>
      <mat-dialog-content>
        <p class="warning" role="alert" data-testid="token-warning">
          <mat-icon aria-hidden="true">warning</mat-icon>
          <span>{{ 'tokens.created.onceWarning' | transloco }}</span>
        </p>
        <av-one-time-secret
          [value]="t.token"
          [label]="'tokens.created.label' | transloco"
          valueTestId="token-value"
          copyTestId="copy-token"
        />
        <h3>{{ 'tokens.created.exampleTitle' | transloco }}</h3>
        <p class="av-muted">
          {{ (canSend() ? 'tokens.created.exampleSend' : 'tokens.created.exampleRead') | transloco }}
        </p>
        <av-one-time-secret
          [value]="curl()"
          [label]="'tokens.created.exampleTitle' | transloco"
          valueTestId="token-curl"
          copyTestId="copy-curl"
        />
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-flat-button type="button" [mat-dialog-close]="t" data-testid="token-close">
          {{ 'tokens.created.done' | transloco }}
        </button>
      </mat-dialog-actions>
    } @else {
      <form [formGroup]="form" (ngSubmit)="submit()" data-testid="token-form">
        <h2 mat-dialog-title>{{ 'tokens.form.title' | transloco }}</h2>
        <mat-dialog-content>
          <mat-form-field class="av-full-width">
            <mat-label>{{ 'tokens.form.name' | transloco }}</mat-label>
            <input
              matInput
              formControlName="name"
              autocomplete="off"
              spellcheck="false"
              required
              data-testid="token-name"
            />
            <mat-hint>{{ 'tokens.form.nameHint' | transloco }}</mat-hint>
            @if (form.controls.name.hasError('required')) {
              <mat-error>{{ 'common.required' | transloco }}</mat-error>
            } @else if (form.controls.name.hasError('nameLength')) {
              <mat-error>{{ 'manageSites.form.nameLength' | transloco: { min: nameMin, max: nameMax } }}</mat-error>
            } @else if (form.controls.name.hasError('namePattern')) {
              <mat-error>{{ 'manageSites.form.namePattern' | transloco }}</mat-error>
            }
          </mat-form-field>
          @for (message of nameProblems(); track message) {
            <p class="av-error field-problem" data-testid="token-name-error">{{ message }}</p>
          }
          @if (conflict(); as p) {
            <av-api-error [problem]="p" />
          }

          <fieldset formGroupName="scopes" data-testid="token-scopes">
            <legend>{{ 'tokens.form.scopes' | transloco }}</legend>
            @for (scope of scopes; track scope) {
              <div class="scope">
                <mat-checkbox
                  [formControlName]="scope"
                  [attr.data-scope]="scope"
                  [attr.data-testid]="'token-scope-' + scope"
                >
                  {{ 'tokens.scopes.' + scopeKey(scope) + '.label' | transloco }}
                  <code>{{ scope }}</code>
                </mat-checkbox>
                <p class="av-muted explain">{{ 'tokens.scopes.' + scopeKey(scope) + '.help' | transloco }}</p>
              </div>
            }
            @if (form.controls.scopes.hasError('noScope') && form.controls.scopes.touched) {
              <p class="av-error" role="alert" data-testid="token-scope-error">
                {{ 'tokens.form.noScope' | transloco }}
              </p>
            }
            @for (message of scopeProblems(); track message) {
              <p class="av-error">{{ message }}</p>
            }
          </fieldset>

          <mat-form-field class="av-full-width">
            <mat-label>{{ 'tokens.form.expiry' | transloco }}</mat-label>
            <mat-select formControlName="expiresInDays" data-testid="token-expiry">
              @for (days of expiryChoices; track days) {
                <mat-option [value]="days">
                  {{ (days ? 'tokens.form.expiryDays' : 'tokens.form.expiryNever') | transloco: { days: days } }}
                </mat-option>
              }
            </mat-select>
          </mat-form-field>
          @for (message of expiryProblems(); track message) {
            <p class="av-error field-problem">{{ message }}</p>
          }
          @if (otherProblem(); as p) {
            <av-api-error [problem]="p" />
          }
          @if (busy()) {
            <mat-progress-bar mode="indeterminate" />
          }
        </mat-dialog-content>
        <mat-dialog-actions align="end">
          <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | transloco }}</button>
          <button mat-flat-button type="submit" [disabled]="busy()" data-testid="token-submit">
            {{ 'common.create' | transloco }}
          </button>
        </mat-dialog-actions>
      </form>
    }
  `,
  styles: `
    mat-dialog-content {
      min-width: min(480px, 85vw);
      max-width: 680px;
    }
    fieldset {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      margin: 12px 0 16px;
      padding: 8px 12px;
    }
    legend {
      padding: 0 4px;
      font: var(--mat-sys-title-small);
    }
    .explain {
      margin: 0 0 8px 40px;
      font: var(--mat-sys-body-small);
    }
    code {
      margin-inline-start: 6px;
      font-size: 0.85em;
    }
    .field-problem {
      margin: 0 0 8px;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 4px;
    }
    .warning {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
})
export class TokenCreateDialogComponent {
  private readonly api = inject(TokensApi);
  private readonly dialogRef = inject(MatDialogRef<TokenCreateDialogComponent, CreatedApiTokenResponse>);
  private readonly origin = inject(DOCUMENT).location.origin;
  private readonly transloco = inject(TranslocoService);
  protected readonly scopes = TOKEN_SCOPES;
  protected readonly expiryChoices = EXPIRY_CHOICES;
  protected readonly nameMin = NAME_MIN;
  protected readonly nameMax = NAME_MAX;
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly created = signal<CreatedApiTokenResponse | null>(null);

  private readonly fb = inject(FormBuilder).nonNullable;
  protected readonly form = this.fb.group({
    name: ['', nameValidator],
    scopes: this.fb.group({ 'messages:send': [true], read: [false] } satisfies Record<TokenScope, [boolean]>, {
      validators: atLeastOne,
    }),
    expiresInDays: [0],
  });

  protected readonly nameProblems = computed(() => fieldProblems(this.problem(), 'name'));
  protected readonly scopeProblems = computed(() => fieldProblems(this.problem(), 'scopes'));
  protected readonly expiryProblems = computed(() => fieldProblems(this.problem(), 'expiresInDays'));
  protected readonly conflict = computed(() => (this.problem()?.status === 409 ? this.problem() : null));
  protected readonly otherProblem = computed(() => {
    const p = this.problem();
    const onField = this.nameProblems().length || this.scopeProblems().length || this.expiryProblems().length;
    return p && p.status !== 409 && !onField ? p : null;
  });

  protected readonly canSend = computed(() => this.created()?.scopes.includes('messages:send') ?? false);
  protected readonly curl = computed(() => {
    const token = this.created()?.token ?? '';
    const auth = `-H "Authorization: Bearer ${token}"`;
    if (!this.canSend()) return `curl --cacert server.crt ${auth} ${this.origin}/api/v1/receivers`;
    const body = JSON.stringify({
      target: { kind: 'all' },
      text: this.transloco.translate('tokens.created.exampleText'),
    });
    return `curl --cacert server.crt ${auth} -H 'content-type: application/json' -d '${body}' ${this.origin}/api/v1/messages`;
  });

  protected scopeKey(scope: TokenScope): string {
    return scope === 'messages:send' ? 'send' : 'read';
  }

  protected submit(): void {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const scopes = TOKEN_SCOPES.filter((s) => value.scopes[s]);
    this.busy.set(true);
    this.problem.set(null);
    this.api
      .create({
        name: normalizeName(value.name),
        scopes,
        ...(value.expiresInDays ? { expiresInDays: value.expiresInDays } : {}),
      })
      .pipe(finalize(() => this.busy.set(false)))
      .subscribe({
        next: (token) => {
          // Closing by accident would lose the token: only the button closes from now on.
          this.dialogRef.disableClose = true;
          this.created.set(token);
        },
        error: (error: unknown) => this.problem.set(toApiProblem(error)),
      });
  }
}
