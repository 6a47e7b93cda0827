import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { type GroupResponse, normalizeGroupName } from '@avisa/contracts';
import { filter } from 'rxjs';
import { apiAction, apiResource, rowActions } from '../../core/api-resource';
import { downloadText } from '../../core/download';
import { LiveService } from '../../core/live.service';
import { Notifier } from '../../core/notifier';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { GroupEditDialogComponent, type GroupEditData } from './group-edit-dialog.component';
import { GroupImportDialogComponent } from './group-import-dialog.component';
import { GroupInfoDialogComponent, type GroupInfoData } from './group-info-dialog.component';
import { GroupsApi } from './groups.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { type RowAction, RowActionsComponent } from '../../core/ui/row-actions.component';

const PREVIEW_MEMBERS = 6;

@Component({
  selector: 'av-groups',
  imports: [SCREEN_KIT, FORM_KIT, RowActionsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './groups.component.html',
  styleUrl: './groups.component.scss',
})
export class GroupsComponent {
  private readonly api = inject(GroupsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  protected readonly previewMembers = PREVIEW_MEMBERS;
  protected readonly list = apiResource<GroupResponse[] | null>(() => this.api.list(), {
    initial: null,
    reloadOn: inject(LiveService).resynced$,
  });
  protected readonly query = signal('');
  protected readonly toolbar = apiAction();
  protected readonly rows = rowActions<string>();

  protected readonly shown = computed(() => {
    const query = normalizeGroupName(this.query());
    const groups = this.list.value() ?? [];
    if (!query) return groups;
    return groups.filter(
      (g) =>
        g.name.includes(query) ||
        normalizeGroupName(g.displayName).includes(query) ||
        g.members.some((m) => m.includes(query)),
    );
  });

  protected actionsFor(group: GroupResponse): RowAction[] {
    const params = { name: group.displayName };
    return [
      { icon: 'info', labelKey: 'groups.info.open', params, testId: 'group-info', run: () => this.showInfo(group) },
      { icon: 'edit', labelKey: 'groups.editGroup', params, testId: 'group-edit', run: () => this.edit(group) },
      {
        icon: 'delete',
        labelKey: 'groups.deleteGroup',
        params,
        testId: 'group-delete',
        run: () => this.remove(group),
        disabled: this.rows.isBusy(group.name),
      },
    ];
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
      data: { name: group.name, displayName: group.displayName },
      width: '720px',
      maxWidth: '95vw',
    });
  }

  protected remove(group: GroupResponse): void {
    const params = { name: group.displayName, count: group.members.length };
    confirmThen(this.dialog, dangerConfirm('groups.delete', params), () =>
      this.rows.run(group.name, this.api.delete(group.name), {
        next: () => {
          this.list.value.update((all) => all?.filter((g) => g.id !== group.id) ?? null);
          this.notifier.info('groups.delete.done', { name: group.displayName });
        },
      }),
    );
  }

  protected importCsv(): void {
    this.toolbar.problem.set(null);
    this.dialog
      .open<GroupImportDialogComponent, void, boolean>(GroupImportDialogComponent, { width: '760px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe(() => this.list.reload());
  }

  protected exportCsv(): void {
    this.toolbar.run(this.api.export(), { next: (csv) => downloadText('avisa-grupos.csv', csv) });
  }

  private openEditor(data: GroupEditData): void {
    this.toolbar.problem.set(null);
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
        this.list.reload();
      });
  }
}
