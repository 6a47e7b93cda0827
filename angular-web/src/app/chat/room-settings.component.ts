import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { Router } from '@angular/router';
import {
  ROOM_DESCRIPTION_MAX,
  ROOM_NAME_MAX,
  ROOM_PASSWORD_MAX,
  ROOM_PASSWORD_MIN,
  ROOM_RETENTION_DAYS_MAX,
  isCodedRoom,
  isRoomManager,
  type RoomResponse,
  type UpdateRoomRequest,
} from '@avisa/contracts';
import { fieldProblems } from '../core/api-error';
import { apiAction } from '../core/api-resource';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session.store';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { FORM_KIT, SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';

/**
 * A room's settings: its join code with a copy button and its name, description, retention and password for the
 * owner and moderators; archiving and deleting for the owner and admins.
 */
@Component({
  selector: 'av-room-settings',
  imports: [SCREEN_KIT, FORM_KIT, MatCheckboxModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-settings.component.html',
  styleUrl: './room-settings.component.scss',
})
export class RoomSettingsComponent {
  readonly room = input.required<RoomResponse>();

  private readonly store = inject(ChatStore);
  private readonly session = inject(SessionStore);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly clipboard = inject(Clipboard);
  private readonly action = apiAction();
  protected readonly busy = this.action.busy;
  protected readonly problem = this.action.problem;
  protected readonly limits = {
    name: ROOM_NAME_MAX,
    passwordMin: ROOM_PASSWORD_MIN,
    retention: ROOM_RETENTION_DAYS_MAX,
  };

  protected readonly manager = computed(() => isRoomManager(this.room().role));
  protected readonly canArchive = computed(() => this.room().role === 'owner' || this.session.isAdmin());
  protected readonly coded = computed(() => isCodedRoom(this.room().kind));
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required, Validators.maxLength(ROOM_NAME_MAX)]],
    description: ['', Validators.maxLength(ROOM_DESCRIPTION_MAX)],
    retentionDays: [null as number | null, [Validators.min(1), Validators.max(ROOM_RETENTION_DAYS_MAX)]],
    password: ['', [Validators.minLength(ROOM_PASSWORD_MIN), Validators.maxLength(ROOM_PASSWORD_MAX)]],
    removePassword: [false],
  });

  constructor() {
    // The form follows the room (another manager may change it live) until the user starts editing.
    effect(() => {
      const room = this.room();
      untracked(() => !this.form.dirty && this.fill(room));
    });
  }

  private fill(room: RoomResponse): void {
    this.form.reset({
      name: room.name,
      description: room.description,
      retentionDays: room.retentionDays,
      password: '',
      removePassword: false,
    });
  }

  protected problems(field: string): string[] {
    return fieldProblems(this.problem(), field);
  }

  protected copyCode(code: string): void {
    if (this.clipboard.copy(code)) this.notifier.info('common.copied');
  }

  protected save(): void {
    if (this.form.invalid || this.busy()) return this.form.markAllAsTouched();
    const room = this.room();
    const v = this.form.getRawValue();
    const request: UpdateRoomRequest = { name: v.name.trim(), description: v.description.trim() };
    if (room.kind !== 'ephemeral') request.retentionDays = v.retentionDays ? Number(v.retentionDays) : null;
    if (this.coded() && v.password) request.password = v.password;
    else if (room.kind === 'ephemeral' && v.removePassword) request.password = null;
    this.action.run(this.store.update(room.id, request), {
      next: (updated) => {
        this.fill(updated);
        this.notifier.info('chat.settings.saved');
      },
    });
  }

  protected setArchived(archived: boolean): void {
    this.action.run(this.store.update(this.room().id, { archived }));
  }

  protected deleteRoom(): void {
    const room = this.room();
    confirmThen(this.dialog, dangerConfirm('chat.confirm.deleteRoom', { name: room.name }), () =>
      this.action.run(this.store.deleteRoom(room), { next: () => void this.router.navigate(['/chat']) }),
    );
  }
}
