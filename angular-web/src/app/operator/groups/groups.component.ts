import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { GroupResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { filter, finalize } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { downloadText } from '../../core/download';
import { DateTimePipe } from '../../core/format';
import { LiveService } from '../../core/live.service';
import { Notifier } from '../../core/notifier';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { normalizeName } from './group-csv';
import { GroupEditDialogComponent, type GroupEditData } from './group-edit-dialog.component';
import { GroupImportDialogComponent } from './group-import-dialog.component';
import { GroupInfoDialogComponent, type GroupInfoData } from './group-info-dialog.component';
import { GroupsApi } from './groups.api';

const PREVIEW_MEMBERS = 6;

/** A failure tied to one group's row (delete) or to the page's toolbar (list, export). */
interface RowProblem {
  name: string;
  problem: ApiProblem;
}

@Component({
  selector: 'av-groups',
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatIconModule,
    MatProgressBarModule,
    MatTooltipModule,
    TranslocoPipe,
    DateTimePipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './groups.component.html',
  styleUrl: './groups.component.scss',
})
export class GroupsComponent {
  private readonly api = inject(GroupsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  protected readonly previewMembers = PREVIEW_MEMBERS;
  protected readonly groups = signal<GroupResponse[] | null>(null);
  protected readonly query = signal('');
  protected readonly loading = signal(false);
  protected readonly exporting = signal(false);
  protected readonly deleting = signal<string | null>(null);
  protected readonly listProblem = signal<ApiProblem | null>(null);
  protected readonly toolbarProblem = signal<ApiProblem | null>(null);
  protected readonly rowProblem = signal<RowProblem | null>(null);

  protected readonly shown = computed(() => {
    const query = normalizeName(this.query());
    const groups = this.groups() ?? [];
    if (!query) return groups;
    return groups.filter((g) => g.name.includes(query) || g.members.some((m) => m.includes(query)));
  });

  constructor() {
    inject(LiveService)
      .resynced$.pipe(takeUntilDestroyed())
      .subscribe(() => this.load());
    this.load();
  }

  protected filterTyped(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  protected create(): void {
    this.openEditor({});
  }

  protected edit(group: GroupResponse): void {
    this.openEditor({ group });
  }

  protected showInfo(group: GroupResponse): void {
    this.dialog.open<GroupInfoDialogComponent, GroupInfoData>(GroupInfoDialogComponent, {
      data: { name: group.name },
      width: '720px',
      maxWidth: '95vw',
    });
  }

  protected remove(group: GroupResponse): void {
    confirmAction(this.dialog, {
      titleKey: 'groups.delete.title',
      messageKey: 'groups.delete.message',
      params: { name: group.name, count: group.members.length },
      confirmKey: 'common.delete',
      danger: true,
    })
      .pipe(filter(Boolean))
      .subscribe(() => {
        this.rowProblem.set(null);
        this.deleting.set(group.name);
        this.api
          .delete(group.name)
          .pipe(finalize(() => this.deleting.set(null)))
          .subscribe({
            next: () => {
              this.groups.update((all) => all?.filter((g) => g.id !== group.id) ?? null);
              this.notifier.info('groups.delete.done', { name: group.name });
            },
            error: (error: unknown) => this.rowProblem.set({ name: group.name, problem: toApiProblem(error) }),
          });
      });
  }

  protected importCsv(): void {
    this.toolbarProblem.set(null);
    this.dialog
      .open<GroupImportDialogComponent, void, boolean>(GroupImportDialogComponent, { width: '760px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe(() => this.load());
  }

  protected exportCsv(): void {
    this.toolbarProblem.set(null);
    this.exporting.set(true);
    this.api
      .export()
      .pipe(finalize(() => this.exporting.set(false)))
      .subscribe({
        next: (csv) => downloadText('avisa-grupos.csv', csv),
        error: (error: unknown) => this.toolbarProblem.set(toApiProblem(error)),
      });
  }

  private openEditor(data: GroupEditData): void {
    this.toolbarProblem.set(null);
    this.rowProblem.set(null);
    this.dialog
      .open<GroupEditDialogComponent, GroupEditData, GroupResponse>(GroupEditDialogComponent, {
        data,
        width: '640px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(filter((saved): saved is GroupResponse => saved !== undefined))
      .subscribe((saved) => {
        this.notifier.info(data.group ? 'groups.edit.saved' : 'groups.edit.created', { name: saved.name });
        this.load();
      });
  }

  private load(): void {
    this.loading.set(true);
    this.api
      .list()
      .pipe(finalize(() => this.loading.set(false)))
      .subscribe({
        next: (groups) => {
          this.groups.set(groups);
          this.listProblem.set(null);
        },
        error: (error: unknown) => this.listProblem.set(toApiProblem(error)),
      });
  }
}
