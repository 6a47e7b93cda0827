import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import type { RoomResponse } from '@avisa/contracts';
import { apiAction } from '../core/api-resource';
import { FORM_KIT, SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';

/** Joining a protected or ephemeral room with the code (and password) its owner gave. */
@Component({
  selector: 'av-join-room-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'chat.join.title' | transloco }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" data-testid="join-room-form">
      <mat-dialog-content class="fields">
        <p class="av-muted">{{ 'chat.join.explain' | transloco }}</p>
        <mat-form-field>
          <mat-label>{{ 'chat.join.code' | transloco }}</mat-label>
          <input
            matInput
            formControlName="code"
            autocomplete="off"
            spellcheck="false"
            placeholder="abcd-efgh-jkmn-pqrs"
            data-testid="join-code"
            cdkFocusInitial
          />
          @if (form.controls.code.invalid) {
            <mat-error>{{ 'chat.join.codeRequired' | transloco }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'chat.join.password' | transloco }}</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="off" data-testid="join-password" />
          <mat-hint>{{ 'chat.join.passwordHint' | transloco }}</mat-hint>
        </mat-form-field>
        <av-api-error [problem]="problem()" />
      </mat-dialog-content>
      <av-dialog-actions submit="chat.join.submit" [disabled]="busy()" testId="join-submit" />
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      min-width: min(380px, 80vw);
    }
  `,
})
export class JoinRoomDialogComponent {
  private readonly store = inject(ChatStore);
  private readonly dialogRef = inject(MatDialogRef<JoinRoomDialogComponent, RoomResponse>);
  private readonly action = apiAction();
  protected readonly busy = this.action.busy;
  protected readonly problem = this.action.problem;
  protected readonly form = inject(FormBuilder).nonNullable.group({ code: ['', Validators.required], password: [''] });

  protected submit(): void {
    if (this.form.invalid || this.busy()) return this.form.markAllAsTouched();
    const { code, password } = this.form.getRawValue();
    this.action.run(this.store.joinWithCode(code.trim().toLowerCase(), password), {
      next: (room) => this.dialogRef.close(room),
    });
  }
}
