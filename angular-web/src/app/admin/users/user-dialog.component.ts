import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormBuilder, Validators } from '@angular/forms';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatSelectModule } from '@angular/material/select';
import { ROLES, type CreateUserRequest, type Role, type UserResponse } from '@avisa/contracts';
import { type Observable } from 'rxjs';
import { fieldProblems } from '../../core/api-error';
import { DISPLAY_NAME_MAX, NAME_MAX, NAME_MIN, nameValidator, normalizeName } from '../shared/names';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_BYTES, passwordBytesValidator, sameAs } from './password';
import { UsersApi } from './users.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { apiAction } from '../../core/api-resource';

export interface UserDialogData {
  /** Whose password to set; without one, the dialog creates a user. */
  user?: UserResponse;
}

const FIELDS = ['username', 'displayName', 'role', 'password'] as const;

/** Creates a user, or sets a user's password; either way the password is typed twice. Closes with the user. */
@Component({
  selector: 'av-user-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './user-dialog.component.html',
  styleUrl: './user-dialog.component.scss',
})
export class UserDialogComponent {
  private readonly api = inject(UsersApi);
  private readonly dialogRef = inject<MatDialogRef<UserDialogComponent, UserResponse>>(MatDialogRef);
  protected readonly target = (inject<UserDialogData | null>(MAT_DIALOG_DATA, { optional: true }) ?? {}).user;

  protected readonly roles = ROLES;
  protected readonly usernameMin = NAME_MIN;
  protected readonly usernameMax = NAME_MAX;
  protected readonly displayNameMax = DISPLAY_NAME_MAX;
  protected readonly minBytes = PASSWORD_MIN_BYTES;
  protected readonly maxBytes = PASSWORD_MAX_BYTES;

  protected readonly form = inject(FormBuilder).nonNullable.group({
    username: ['', [nameValidator]],
    displayName: ['', [Validators.maxLength(DISPLAY_NAME_MAX)]],
    role: ['operator' as Role],
    password: ['', [Validators.required, passwordBytesValidator]],
    repeat: ['', [Validators.required, sameAs('password')]],
  });

  protected readonly shown = signal(false);
  private readonly save = apiAction();
  protected readonly saving = this.save.busy;
  protected readonly problem = this.save.problem;
  protected readonly serverProblems = computed(() => {
    const p = this.problem();
    return Object.fromEntries(FIELDS.map((f) => [f, fieldProblems(p, f)])) as Record<(typeof FIELDS)[number], string[]>;
  });
  /** What is not already shown under a field. */
  protected readonly generalProblem = computed(() => {
    const p = this.problem();
    if (!p || p.status === 409) return null;
    return FIELDS.some((f) => fieldProblems(p, f).length) ? null : p;
  });

  constructor() {
    if (this.target) {
      for (const field of ['username', 'displayName', 'role'] as const) this.form.controls[field].disable();
    }
    this.form.controls.password.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.form.controls.repeat.updateValueAndValidity({ emitEvent: false }));
  }

  protected submit(): void {
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    const request: Observable<UserResponse | void> = this.target
      ? this.api.setPassword(this.target.id, this.form.controls.password.value)
      : this.api.create(this.createRequest());
    this.save.run(request, {
      next: (created) => this.dialogRef.close(created ?? this.target),
      problem: (problem) => {
        this.problem.set(problem);
        if (problem.status === 409) this.form.controls.username.setErrors({ taken: true });
        for (const field of FIELDS) {
          if (fieldProblems(problem, field).length) this.form.controls[field].setErrors({ server: true });
        }
      },
    });
  }

  private createRequest(): CreateUserRequest {
    const value = this.form.getRawValue();
    const displayName = value.displayName.trim();
    return {
      username: normalizeName(value.username),
      ...(displayName ? { displayName } : {}),
      role: value.role,
      password: value.password,
    };
  }
}
