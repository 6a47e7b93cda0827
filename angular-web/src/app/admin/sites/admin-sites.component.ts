import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { type MatSlideToggle, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import {
  siteMatches,
  type PresencePayload,
  type ReceiverResponse,
  type ReceiverWithKeyResponse,
} from '@avisa/contracts';
import { debounceTime, filter, map } from 'rxjs';
import { LiveService } from '../../core/live.service';
import { Notifier } from '../../core/notifier';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { apiResource, rowActions } from '../../core/api-resource';
import { AdminSitesApi } from './admin-sites.api';
import { BulkSitesDialogComponent } from './bulk-sites-dialog.component';
import { SiteConnectionsDialogComponent } from './site-connections-dialog.component';
import { type SiteFormData, SiteFormDialogComponent } from './site-form-dialog.component';
import { type SiteKeyData, SiteKeyDialogComponent } from './site-key-dialog.component';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { type RowAction, RowActionsComponent } from '../../core/ui/row-actions.component';
import { withPresence } from '../../core/presence';
import { Paging } from '../../core/ui/paging.directive';
import { ReceiverUpdatesPanelComponent } from './receiver-updates-panel.component';
import { shownVersion, versionState } from './receiver-versions';
import { SiteFacetsComponent } from '../../sites/site-facets.component';
import { SiteTagsComponent } from '../../sites/site-tags.component';

type StateFilter = 'all' | 'online' | 'offline' | 'disabled';

/**
 * A site reports how its update went right after it reconnects (and before restarting into it): the update status is
 * loaded again once connections have been quiet this long, so a storm of reconnections loads it once.
 */
export const REPORTS_SETTLE_MS = 3000;

/** Admins' view of the sites: create (one or from a CSV), keys, enable/disable, delete, connection history. */
@Component({
  selector: 'av-admin-sites',
  imports: [
    SCREEN_KIT,
    FORM_KIT,
    FormsModule,
    MatTableModule,
    MatPaginatorModule,
    MatSelectModule,
    MatSlideToggleModule,
    RowActionsComponent,
    ReceiverUpdatesPanelComponent,
    SiteFacetsComponent,
    SiteTagsComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-sites.component.html',
  styleUrl: './admin-sites.component.scss',
})
export class AdminSitesComponent {
  private readonly api = inject(AdminSitesApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly live = inject(LiveService);

  /** On a tablet the version and dates give way (last seen moves under the state), so the actions stay in view. */
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 1099px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly columns = computed(() =>
    this.narrow()
      ? ['name', 'displayName', 'region', 'enabled', 'online', 'actions']
      : [
          'name',
          'displayName',
          'region',
          'tags',
          'enabled',
          'online',
          'lastSeen',
          'clientVersion',
          'created',
          'actions',
        ],
  );
  protected readonly states: StateFilter[] = ['all', 'online', 'offline', 'disabled'];
  protected readonly list = apiResource(() => this.api.list(), { initial: [], reloadOn: this.live.resynced$ });
  protected readonly sites = this.list.value;
  protected readonly updates = apiResource(() => this.api.updates(), { initial: null, reloadOn: this.live.resynced$ });
  /** Each site's last update report. */
  protected readonly reports = computed(() => new Map((this.updates.value()?.sites ?? []).map((r) => [r.name, r])));
  protected readonly servedVersion = computed(() => this.updates.value()?.available?.version ?? null);
  protected readonly shownVersion = shownVersion;
  /** Sites with a change on its way to the server, and each one's last failure. */
  protected readonly rows = rowActions<string>();
  protected readonly query = signal('');
  protected readonly region = signal('');
  protected readonly tag = signal('');
  protected readonly state = signal<StateFilter>('all');
  protected readonly paging = new Paging([25, 50, 100, 500]);

  protected readonly filtered = computed(() => {
    const query = { q: this.query(), region: this.region(), tag: this.tag() };
    const state = this.state();
    return this.sites().filter(
      (s) =>
        siteMatches(s, query) &&
        (state === 'all' ||
          (state === 'online' && s.online) ||
          (state === 'offline' && !s.online && s.enabled) ||
          (state === 'disabled' && !s.enabled)),
    );
  });
  protected readonly page = computed(() => {
    const size = this.paging.size();
    const start = Math.min(this.paging.index(), Math.max(0, Math.ceil(this.filtered().length / size) - 1)) * size;
    return this.filtered().slice(start, start + size);
  });
  protected readonly onlineCount = computed(() => this.sites().filter((s) => s.online).length);
  protected readonly trackByName = (_: number, s: ReceiverResponse) => s.name;

  constructor() {
    this.live.presence$.pipe(takeUntilDestroyed()).subscribe((p) => this.applyPresence(p));
    this.live.presence$
      .pipe(
        filter((p) => p.online),
        debounceTime(REPORTS_SETTLE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.updates.reload());
  }

  protected isBehind(site: ReceiverResponse): boolean {
    const served = this.servedVersion();
    return !!served && versionState(site.clientVersion, served) === 'behind';
  }

  protected reload(): void {
    this.list.reload();
    this.updates.reload();
  }

  protected actionsFor(site: ReceiverResponse): RowAction[] {
    const params = { name: site.name };
    const busy = this.rows.isBusy(site.name);
    return [
      {
        icon: 'edit',
        labelKey: 'manageSites.actions.edit',
        params,
        testId: 'site-edit',
        run: () => this.openEdit(site),
      },
      {
        icon: 'history',
        labelKey: 'manageSites.actions.connections',
        params,
        testId: 'site-connections',
        run: () => this.openConnections(site),
      },
      {
        icon: 'key',
        labelKey: 'manageSites.actions.rotate',
        params,
        testId: 'site-rotate',
        run: () => this.rotate(site),
        disabled: busy,
      },
      {
        icon: 'delete',
        labelKey: 'manageSites.actions.delete',
        params,
        testId: 'site-delete',
        run: () => this.remove(site),
        disabled: busy,
        danger: true,
      },
    ];
  }

  protected openCreate(): void {
    this.dialog
      .open<SiteFormDialogComponent, SiteFormData, ReceiverWithKeyResponse>(SiteFormDialogComponent, { data: {} })
      .afterClosed()
      .pipe(filter((created): created is ReceiverWithKeyResponse => !!created))
      .subscribe((created) => {
        const { key: _key, ...site } = created;
        this.sites.update((list) => [...list.filter((s) => s.name !== site.name), site].sort(byName));
        this.showKey(created, false);
      });
  }

  protected openEdit(site: ReceiverResponse): void {
    this.dialog
      .open<SiteFormDialogComponent, SiteFormData, ReceiverResponse>(SiteFormDialogComponent, { data: { site } })
      .afterClosed()
      .pipe(filter((updated): updated is ReceiverResponse => !!updated))
      .subscribe((updated) => {
        this.replace(updated);
        this.notifier.info('manageSites.saved', { name: updated.name });
      });
  }

  protected openBulk(): void {
    this.dialog
      .open<BulkSitesDialogComponent, void, number>(BulkSitesDialogComponent, {
        width: '720px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(filter((created) => !!created))
      .subscribe(() => this.list.reload());
  }

  protected openConnections(site: ReceiverResponse): void {
    this.dialog.open(SiteConnectionsDialogComponent, { data: site, width: '900px', maxWidth: '95vw' });
  }

  protected setEnabled(site: ReceiverResponse, toggle: MatSlideToggle): void {
    const enabled = toggle.checked;
    this.rows.run(site.name, this.api.update(site.name, { enabled }), {
      next: (updated) => {
        this.replace(updated);
        this.notifier.info(enabled ? 'manageSites.enabledDone' : 'manageSites.disabledDone', { name: site.name });
      },
      problem: (problem) => {
        toggle.checked = site.enabled;
        this.rows.setProblem(site.name, problem);
      },
    });
  }

  protected rotate(site: ReceiverResponse): void {
    const data = dangerConfirm('manageSites.rotateConfirm', { name: site.name }, 'manageSites.rotateConfirm.confirm');
    confirmThen(this.dialog, data, () =>
      this.rows.run(site.name, this.api.rotateKey(site.name), {
        next: (rotated) => {
          const { key: _key, ...updated } = rotated;
          this.replace(updated);
          this.showKey(rotated, true);
        },
      }),
    );
  }

  protected remove(site: ReceiverResponse): void {
    confirmThen(this.dialog, dangerConfirm('manageSites.dangerConfirm', { name: site.name }), () =>
      this.rows.run(site.name, this.api.delete(site.name), {
        next: () => {
          this.sites.update((list) => list.filter((s) => s.name !== site.name));
          this.notifier.info('manageSites.deleted', { name: site.name });
        },
      }),
    );
  }

  private showKey(site: ReceiverWithKeyResponse, rotated: boolean): void {
    // No closing by a stray click or Escape: the key is not shown again.
    this.dialog.open<SiteKeyDialogComponent, SiteKeyData>(SiteKeyDialogComponent, {
      data: { site, rotated },
      disableClose: true,
      maxWidth: '95vw',
    });
  }

  private replace(updated: ReceiverResponse): void {
    this.sites.update((list) => list.map((s) => (s.name === updated.name ? updated : s)));
  }

  private applyPresence(p: PresencePayload): void {
    this.sites.update((list) => withPresence(list, p));
  }
}

function byName(a: ReceiverResponse, b: ReceiverResponse): number {
  return a.name.localeCompare(b.name);
}
