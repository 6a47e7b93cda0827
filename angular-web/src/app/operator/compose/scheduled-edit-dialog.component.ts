import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatSelectModule } from '@angular/material/select';
import {
  MESSAGE_TEXT_MAX,
  PRIORITIES,
  TARGET_KINDS,
  type ScheduledMessageResponse,
  type UpdateScheduledMessageRequest,
} from '@avisa/contracts';
import { fieldProblems } from '../../core/api-error';
import { apiAction } from '../../core/api-resource';
import { DATE_KIT, FORM_KIT, SCREEN_KIT } from '../../core/ui/kit';
import { OperatorApi } from '../shared/operator.api';
import { sendAtErrorState, sendAtFields, sendAtForm, sendAtIso } from './send-later';
import { TTL_PRESETS } from './compose-draft.store';

/** Changes a scheduled alert's text, target, priority, validity and time; closes with the alert as saved. */
@Component({
  selector: 'av-scheduled-edit-dialog',
  imports: [SCREEN_KIT, FORM_KIT, DATE_KIT, MatDialogModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './scheduled-edit-dialog.component.html',
  styles: `
    mat-dialog-content {
      min-width: min(480px, 80vw);
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
    }
    .row > * {
      flex: 1 1 180px;
    }
  `,
})
export class ScheduledEditDialogComponent {
  private readonly api = inject(OperatorApi);
  private readonly dialogRef = inject(MatDialogRef<ScheduledEditDialogComponent>);
  protected readonly item = inject<ScheduledMessageResponse>(MAT_DIALOG_DATA);
  protected readonly kinds = TARGET_KINDS;
  protected readonly priorities = PRIORITIES;
  protected readonly isPreset = (seconds: number) => (TTL_PRESETS as readonly number[]).includes(seconds);
  protected readonly ttlPresets: readonly number[] = this.isPreset(this.item.ttlSeconds)
    ? TTL_PRESETS
    : [...TTL_PRESETS, this.item.ttlSeconds];
  private readonly saving = apiAction();
  protected readonly busy = this.saving.busy;
  protected readonly problem = this.saving.problem;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    kind: [this.item.target.kind],
    name: [this.item.target.name ?? ''],
    text: [this.item.text, [Validators.required, Validators.maxLength(MESSAGE_TEXT_MAX)]],
    priority: [this.item.priority],
    ttlSeconds: [this.item.ttlSeconds],
    sendAt: sendAtForm(sendAtFields(this.item.sendAt)),
  });
  protected readonly sendAtErrorState = sendAtErrorState;
  protected readonly sendAtProblems = computed(() => fieldProblems(this.problem(), 'sendAt'));

  protected submit(): void {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const changes: UpdateScheduledMessageRequest = {
      target: value.kind === 'all' ? { kind: 'all' } : { kind: value.kind, name: value.name.trim() },
      text: value.text.trim(),
      priority: value.priority,
      ttlSeconds: value.ttlSeconds,
      sendAt: sendAtIso(value.sendAt)!,
    };
    this.saving.run(this.api.updateScheduled(this.item.id, changes), {
      next: (saved) => this.dialogRef.close(saved),
    });
  }
}
