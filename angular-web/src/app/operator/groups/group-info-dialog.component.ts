import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { GroupInfoResponse, PresencePayload } from '@avisa/contracts';
import { apiResource } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { GroupsApi } from './groups.api';
import { SCREEN_KIT } from '../../core/ui/kit';

export interface GroupInfoData {
  name: string;
  /** As typed ("Zona Norte"), for the title; the name when absent. */
  displayName?: string;
}

type Column = 'online' | 'offline' | 'unknown';

/** A group's members split into online, offline and unknown, kept current by the live presence events. */
@Component({
  selector: 'av-group-info-dialog',
  imports: [SCREEN_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'groups.info.title' | transloco: { name: data.displayName ?? data.name } }}</h2>
    <mat-dialog-content>
      @if (info.loading()) {
        <mat-progress-bar mode="indeterminate" [attr.aria-label]="'common.loading' | transloco" />
      }
      <av-api-error [problem]="info.problem()" />
      @if (info.value(); as i) {
        <div class="columns">
          @for (column of columns; track column) {
            <section [attr.aria-labelledby]="'info-heading-' + column">
              <h3 [id]="'info-heading-' + column">
                <span [class]="'av-state av-state-' + column">
                  {{ 'groups.info.' + column | transloco }}
                </span>
                <span [attr.data-testid]="'info-' + column + '-count'">{{ i[column].length }}</span>
              </h3>
              <ul [attr.data-testid]="'info-' + column">
                @for (member of i[column]; track member) {
                  <li>{{ member }}</li>
                }
              </ul>
              @if (i[column].length === 0) {
                <p class="av-muted empty">{{ 'common.none' | transloco }}</p>
              }
            </section>
          }
        </div>
        <p class="av-muted note">{{ 'groups.info.live' | transloco }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close>{{ 'common.close' | transloco }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    .columns {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(180px, 1fr));
      gap: 16px;
    }
    h3 {
      display: flex;
      align-items: center;
      gap: 8px;
      font: var(--mat-sys-title-small);
      margin: 8px 0;
    }
    ul {
      margin: 0;
      padding-left: 20px;
      max-height: 40vh;
      overflow-y: auto;
    }
    .empty {
      margin: 0;
    }
    .av-state-unknown {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .note {
      font: var(--mat-sys-body-small);
    }
  `,
})
export class GroupInfoDialogComponent {
  private readonly api = inject(GroupsApi);
  protected readonly data = inject<GroupInfoData>(MAT_DIALOG_DATA);
  protected readonly columns: Column[] = ['online', 'offline', 'unknown'];
  private readonly live = inject(LiveService);
  protected readonly info = apiResource<GroupInfoResponse | null>(() => this.api.info(this.data.name), {
    initial: null,
    reloadOn: this.live.resynced$,
  });

  constructor() {
    this.live.presence$.pipe(takeUntilDestroyed()).subscribe((p) => this.presence(p));
  }

  private presence({ name, online }: PresencePayload): void {
    const info = this.info.value();
    if (!info) return;
    const members = [...info.online, ...info.offline, ...info.unknown];
    if (!members.includes(name)) return;
    // Presence only comes from existing sites, so an "unknown" member that reports in exists now.
    const order = (list: string[]) => members.filter((m) => list.includes(m));
    const without = (list: string[]) => list.filter((m) => m !== name);
    this.info.value.set({
      name: info.name,
      online: order(online ? [...info.online, name] : without(info.online)),
      offline: order(online ? without(info.offline) : [...info.offline, name]),
      unknown: without(info.unknown),
    });
  }
}
