import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, Validators } from '@angular/forms';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatRadioModule } from '@angular/material/radio';
import {
  ROOM_DESCRIPTION_MAX,
  ROOM_KINDS,
  ROOM_NAME_MAX,
  ROOM_PASSWORD_MAX,
  ROOM_PASSWORD_MIN,
  ROOM_RETENTION_DAYS_MAX,
  isCodedRoom,
  type CreateRoomRequest,
  type RoomKind,
  type RoomResponse,
} from '@avisa/contracts';
import { fieldProblems } from '../core/api-error';
import { apiAction } from '../core/api-resource';
import { FORM_KIT, SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';

/** A new room: name, description, kind (each explained), a password for the kinds joined by code, retention. */
@Component({
  selector: 'av-create-room-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, MatRadioModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './create-room-dialog.component.html',
  styleUrl: './create-room-dialog.component.scss',
})
export class CreateRoomDialogComponent {
  private readonly store = inject(ChatStore);
  private readonly dialogRef = inject(MatDialogRef<CreateRoomDialogComponent, RoomResponse>);
  private readonly action = apiAction();
  protected readonly busy = this.action.busy;
  protected readonly problem = this.action.problem;
  protected readonly kinds = ROOM_KINDS;
  protected readonly limits = {
    name: ROOM_NAME_MAX,
    description: ROOM_DESCRIPTION_MAX,
    passwordMin: ROOM_PASSWORD_MIN,
    passwordMax: ROOM_PASSWORD_MAX,
    retention: ROOM_RETENTION_DAYS_MAX,
  };
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(ROOM_NAME_MAX)]],
    description: ['', Validators.maxLength(ROOM_DESCRIPTION_MAX)],
    kind: ['private' as RoomKind],
    password: ['', [Validators.minLength(ROOM_PASSWORD_MIN), Validators.maxLength(ROOM_PASSWORD_MAX)]],
    retentionDays: [null as number | null, [Validators.min(1), Validators.max(ROOM_RETENTION_DAYS_MAX)]],
  });
  protected readonly kind = toSignal(this.form.controls.kind.valueChanges, { initialValue: 'private' as RoomKind });
  protected readonly coded = isCodedRoom;

  constructor() {
    // A field that is not shown neither blocks the form nor is sent.
    this.form.controls.kind.valueChanges.pipe(takeUntilDestroyed()).subscribe((kind) => {
      const { password, retentionDays } = this.form.controls;
      if (kind === 'protected') password.addValidators(Validators.required);
      else password.removeValidators(Validators.required);
      if (!isCodedRoom(kind)) password.setValue('');
      if (kind === 'ephemeral') retentionDays.setValue(null);
      password.updateValueAndValidity();
    });
  }

  protected problems(field: string): string[] {
    return fieldProblems(this.problem(), field);
  }

  protected submit(): void {
    if (this.form.invalid || this.busy()) return this.form.markAllAsTouched();
    const v = this.form.getRawValue();
    const request: CreateRoomRequest = { name: v.name.trim(), description: v.description.trim(), kind: v.kind };
    if (isCodedRoom(v.kind) && v.password) request.password = v.password;
    if (v.kind !== 'ephemeral' && v.retentionDays) request.retentionDays = Number(v.retentionDays);
    this.action.run(this.store.create(request), { next: (room) => this.dialogRef.close(room) });
  }
}
