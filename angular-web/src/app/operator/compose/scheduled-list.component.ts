import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { isTemplate, type ScheduledMessageResponse } from '@avisa/contracts';
import { merge } from 'rxjs';
import { apiResource, rowActions } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../../core/ui/kit';
import { OperatorApi } from '../shared/operator.api';
import { ScheduledEditDialogComponent } from './scheduled-edit-dialog.component';

/** Alerts waiting for their time: each can be edited or cancelled until it goes out. */
@Component({
  selector: 'av-scheduled-list',
  imports: [SCREEN_KIT, MatCardModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './scheduled-list.component.html',
  styleUrl: './scheduled-list.component.scss',
})
export class ScheduledListComponent {
  private readonly api = inject(OperatorApi);
  private readonly dialog = inject(MatDialog);
  private readonly live = inject(LiveService);
  protected readonly rows = rowActions<string>();
  private readonly resource = apiResource(() => this.api.scheduled(), {
    initial: [] as ScheduledMessageResponse[],
    // One that went out leaves the list as its alert is announced.
    reloadOn: merge(this.live.resynced$, this.live.messageCreated$),
  });
  protected readonly items = this.resource.value;
  protected readonly problem = this.resource.problem;
  protected readonly isTemplate = isTemplate;

  reload(): void {
    this.resource.reload();
  }

  protected edit(item: ScheduledMessageResponse): void {
    this.dialog
      .open<ScheduledEditDialogComponent, ScheduledMessageResponse, ScheduledMessageResponse>(
        ScheduledEditDialogComponent,
        { data: item, autoFocus: 'first-tabbable' },
      )
      .afterClosed()
      .subscribe((changed) => {
        if (changed) this.items.update((list) => list.map((i) => (i.id === changed.id ? changed : i)));
        this.reload();
      });
  }

  protected cancel(item: ScheduledMessageResponse): void {
    confirmThen(this.dialog, dangerConfirm('schedule.cancelConfirm', { text: item.text }, 'schedule.list.cancel'), () =>
      this.remove(item),
    );
  }

  /** One that could not be sent leaves the list: nothing is left to send. */
  protected dismiss(item: ScheduledMessageResponse): void {
    this.remove(item);
  }

  private remove(item: ScheduledMessageResponse): void {
    this.rows.run(item.id, this.api.cancelScheduled(item.id), {
      next: () => this.items.update((list) => list.filter((i) => i.id !== item.id)),
    });
  }
}
