import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, Validators, type AbstractControl, type ValidationErrors } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatSelectModule } from '@angular/material/select';
import { TOKEN_SCOPES, tokenKeyFrom, type CreatedApiTokenResponse, type TokenScope } from '@avisa/contracts';
import { SCOPE_KEYS } from './token-scopes';
import { TranslocoService } from '@jsverse/transloco';
import { fieldProblems } from '../../core/api-error';
import { DISPLAY_NAME_MAX, nameValidator, normalizeName } from '../shared/names';
import { NameFieldComponent } from '../shared/name-field.component';
import { OneTimeSecretComponent } from '../shared/one-time-secret.component';
import { TokensApi } from './tokens.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { apiAction } from '../../core/api-resource';

/** Expiry choices in days; 0 is "never". The API takes 1 to 3650. */
export const EXPIRY_CHOICES = [0, 30, 90, 180, 365, 730] as const;

const atLeastOne = (control: AbstractControl<Record<TokenScope, boolean>>): ValidationErrors | null =>
  Object.values(control.value).some(Boolean) ? null : { noScope: true };

/** Creates an API token, then shows it the only time the server gives it out, with a curl example. */
@Component({
  selector: 'av-token-create-dialog',
  imports: [
    SCREEN_KIT,
    FORM_KIT,
    MatDialogModule,
    MatSelectModule,
    MatCheckboxModule,
    OneTimeSecretComponent,
    NameFieldComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './token-create-dialog.component.html',
  styleUrl: './token-create-dialog.component.scss',
})
export class TokenCreateDialogComponent {
  private readonly api = inject(TokensApi);
  private readonly dialogRef = inject(MatDialogRef<TokenCreateDialogComponent, CreatedApiTokenResponse>);
  private readonly origin = inject(DOCUMENT).location.origin;
  private readonly transloco = inject(TranslocoService);
  protected readonly scopes = TOKEN_SCOPES;
  protected readonly expiryChoices = EXPIRY_CHOICES;
  private readonly creating = apiAction();
  protected readonly busy = this.creating.busy;
  protected readonly problem = this.creating.problem;
  protected readonly created = signal<CreatedApiTokenResponse | null>(null);

  private readonly fb = inject(FormBuilder).nonNullable;
  protected readonly displayMax = DISPLAY_NAME_MAX;
  protected readonly form = this.fb.group({
    displayName: ['', Validators.maxLength(DISPLAY_NAME_MAX)],
    name: ['', nameValidator],
    scopes: this.fb.group(
      { 'messages:send': [true], read: [false], 'rooms:post': [false] } satisfies Record<TokenScope, [boolean]>,
      {
        validators: atLeastOne,
      },
    ),
    expiresInDays: [0],
  });

  /** The key follows the display name until the admin types a key of their own. */
  private keyEdited = false;

  constructor() {
    this.form.controls.displayName.valueChanges.pipe(takeUntilDestroyed()).subscribe((shown) => {
      if (!this.keyEdited) this.form.controls.name.setValue(tokenKeyFrom(shown), { emitEvent: false });
    });
    // Only typing emits here: the proposal above is set without an event.
    this.form.controls.name.valueChanges.pipe(takeUntilDestroyed()).subscribe((key) => {
      this.keyEdited = key !== tokenKeyFrom(this.form.controls.displayName.value);
    });
  }

  protected readonly displayNameProblems = computed(() => fieldProblems(this.problem(), 'displayName'));
  protected readonly nameProblems = computed(() => fieldProblems(this.problem(), 'name'));
  protected readonly scopeProblems = computed(() => fieldProblems(this.problem(), 'scopes'));
  protected readonly expiryProblems = computed(() => fieldProblems(this.problem(), 'expiresInDays'));
  protected readonly otherProblem = computed(() => {
    const p = this.problem();
    const onField =
      this.nameProblems().length ||
      this.displayNameProblems().length ||
      this.scopeProblems().length ||
      this.expiryProblems().length;
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
    return SCOPE_KEYS[scope as TokenScope];
  }

  protected submit(): void {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const scopes = TOKEN_SCOPES.filter((s) => value.scopes[s]);
    const displayName = value.displayName.trim();
    const request = this.api.create({
      name: normalizeName(value.name),
      ...(displayName ? { displayName } : {}),
      scopes,
      ...(value.expiresInDays ? { expiresInDays: value.expiresInDays } : {}),
    });
    this.creating.run(request, {
      next: (token) => {
        // Closing by accident would lose the token: only the button closes from now on.
        this.dialogRef.disableClose = true;
        this.created.set(token);
      },
    });
  }
}
