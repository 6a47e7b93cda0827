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
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.groups' | transloco }}</h1>
        <div class="actions">
          <button mat-flat-button type="button" (click)="create()" data-testid="group-create">
            <mat-icon>group_add</mat-icon>
            {{ 'groups.create' | transloco }}
          </button>
          <button mat-stroked-button type="button" (click)="importCsv()" data-testid="groups-import">
            <mat-icon>upload</mat-icon>
            {{ 'common.import' | transloco }}
          </button>
          <button
            mat-stroked-button
            type="button"
            (click)="exportCsv()"
            [disabled]="exporting()"
            data-testid="groups-export"
          >
            <mat-icon>download</mat-icon>
            {{ 'common.export' | transloco }}
          </button>
        </div>
      </header>
      <av-api-error [problem]="toolbarProblem()" />

      <mat-form-field class="filter">
        <mat-label>{{ 'groups.filter' | transloco }}</mat-label>
        <mat-icon matPrefix>search</mat-icon>
        <input matInput type="search" [value]="query()" (input)="filterTyped($event)" data-testid="groups-filter" />
      </mat-form-field>

      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <av-api-error [problem]="listProblem()" />

      @if (groups(); as all) {
        <p class="av-muted count" aria-live="polite">
          {{ 'groups.count' | transloco: { shown: shown().length, total: all.length } }}
        </p>
        @if (all.length === 0) {
          <p class="av-muted" data-testid="groups-empty">{{ 'groups.empty' | transloco }}</p>
        } @else if (shown().length === 0) {
          <p class="av-muted" data-testid="groups-no-match">{{ 'groups.noMatch' | transloco }}</p>
        } @else {
          <div class="av-table-wrap">
            <table class="groups-table">
              <thead>
                <tr>
                  <th scope="col">{{ 'groups.name' | transloco }}</th>
                  <th scope="col" class="num">{{ 'groups.memberCount' | transloco }}</th>
                  <th scope="col">{{ 'groups.members' | transloco }}</th>
                  <th scope="col" class="av-hide-narrow">{{ 'groups.updated' | transloco }}</th>
                  <th scope="col" class="actions-col">{{ 'common.actions' | transloco }}</th>
                </tr>
              </thead>
              <tbody>
                @for (group of shown(); track group.id) {
                  <tr data-testid="group-row" [attr.data-group]="group.name">
                    <th scope="row" class="name">{{ group.name }}</th>
                    <td class="num" data-testid="group-member-count">{{ group.members.length }}</td>
                    <td class="members">
                      {{ group.members.slice(0, previewMembers).join(', ') }}
                      @if (group.members.length > previewMembers) {
                        <span class="av-muted">
                          {{ 'groups.moreMembers' | transloco: { count: group.members.length - previewMembers } }}
                        </span>
                      }
                    </td>
                    <td class="av-hide-narrow">{{ group.updatedAt | avDateTime }}</td>
                    <td class="actions-col">
                      <button
                        mat-icon-button
                        type="button"
                        (click)="showInfo(group)"
                        [matTooltip]="'groups.info.open' | transloco: { name: group.name }"
                        [attr.aria-label]="'groups.info.open' | transloco: { name: group.name }"
                        data-testid="group-info"
                      >
                        <mat-icon>info</mat-icon>
                      </button>
                      <button
                        mat-icon-button
                        type="button"
                        (click)="edit(group)"
                        [matTooltip]="'groups.editGroup' | transloco: { name: group.name }"
                        [attr.aria-label]="'groups.editGroup' | transloco: { name: group.name }"
                        data-testid="group-edit"
                      >
                        <mat-icon>edit</mat-icon>
                      </button>
                      <button
                        mat-icon-button
                        type="button"
                        (click)="remove(group)"
                        [disabled]="deleting() === group.name"
                        [matTooltip]="'groups.deleteGroup' | transloco: { name: group.name }"
                        [attr.aria-label]="'groups.deleteGroup' | transloco: { name: group.name }"
                        data-testid="group-delete"
                      >
                        <mat-icon>delete</mat-icon>
                      </button>
                    </td>
                  </tr>
                  @if (rowProblem()?.name === group.name) {
                    <tr class="row-problem">
                      <td colspan="5"><av-api-error [problem]="rowProblem()!.problem" /></td>
                    </tr>
                  }
                }
              </tbody>
            </table>
          </div>
        }
      }
    </section>
  `,
  styles: `
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .filter {
      width: min(100%, 420px);
    }
    .count {
      margin: 4px 0 8px;
      font: var(--mat-sys-body-small);
    }
    .groups-table {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-medium);
    }
    .groups-table th,
    .groups-table td {
      padding: 6px 12px;
      text-align: left;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: middle;
    }
    .groups-table thead th {
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .groups-table tbody tr:hover {
      background: var(--mat-sys-surface-container-low);
    }
    .name {
      font-weight: 500;
      white-space: nowrap;
    }
    .num {
      text-align: right;
      width: 6em;
    }
    .members {
      min-width: 200px;
    }
    .actions-col {
      white-space: nowrap;
      text-align: right;
      width: 1%;
    }
    .row-problem td {
      padding-top: 0;
    }
  `,
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
