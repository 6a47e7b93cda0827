import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatSortModule, type Sort } from '@angular/material/sort';
import { MatTableModule } from '@angular/material/table';
import { MatDialog } from '@angular/material/dialog';
import { siteMatches, type PresencePayload, type ReceiverResponse } from '@avisa/contracts';
import { apiResource } from '../../core/api-resource';
import { LiveService } from '../../core/live.service';
import { OperatorApi } from '../shared/operator.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { withPresence } from '../../core/presence';
import { SiteDetailDialogComponent } from '../../sites/site-detail-dialog.component';
import { SiteFacetsComponent } from '../../sites/site-facets.component';
import { SiteTagsComponent } from '../../sites/site-tags.component';
import { telLink } from '../../sites/site-details';

export type StateFilter = 'all' | 'online' | 'offline';
type SortKey = 'state' | 'name' | 'displayName' | 'region' | 'connectedSince' | 'lastSeenAt' | 'clientVersion';

const SORTABLE: SortKey[] = ['state', 'name', 'displayName', 'region', 'connectedSince', 'lastSeenAt', 'clientVersion'];
const COLUMNS = [
  'state',
  'name',
  'displayName',
  'region',
  'phone',
  'tags',
  'connectedSince',
  'lastSeenAt',
  'clientVersion',
  'detail',
];

function sortValue(r: ReceiverResponse, key: SortKey): string | number {
  switch (key) {
    case 'state':
      return r.online ? 0 : 1;
    case 'connectedSince':
      return r.online && r.connectedSince ? Date.parse(r.connectedSince) : 0;
    case 'lastSeenAt':
      return r.lastSeenAt ? Date.parse(r.lastSeenAt) : 0;
    case 'clientVersion':
      return r.clientVersion ?? '';
    case 'region':
      return (r.region ?? '\uffff').toLowerCase();
    default:
      return r[key].toLowerCase();
  }
}

/** The sites with their live state: the list follows presence events in place, without reloading. */
@Component({
  selector: 'av-sites',
  imports: [
    SCREEN_KIT,
    FORM_KIT,
    MatButtonToggleModule,
    MatSortModule,
    MatTableModule,
    SiteFacetsComponent,
    SiteTagsComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sites.component.html',
  styleUrl: './sites.component.scss',
})
export class SitesComponent {
  private readonly api = inject(OperatorApi);
  private readonly live = inject(LiveService);
  private readonly dialog = inject(MatDialog);

  /** On a tablet the connection time and version give way to the support details. */
  private readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 1099px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly columns = computed(() =>
    this.narrow() ? COLUMNS.filter((c) => c !== 'connectedSince' && c !== 'clientVersion') : COLUMNS,
  );
  protected readonly stateFilters: StateFilter[] = ['all', 'online', 'offline'];
  protected readonly list = apiResource(() => this.api.receivers(), { initial: [], reloadOn: this.live.resynced$ });
  protected readonly all = this.list.value;
  protected readonly filter = signal('');
  protected readonly region = signal('');
  protected readonly tag = signal('');
  protected readonly tel = telLink;
  protected readonly stateFilter = signal<StateFilter>('all');
  protected readonly sort = signal<Sort>({ active: 'name', direction: 'asc' });

  protected readonly counts = computed(() => {
    const list = this.all();
    return { online: list.filter((r) => r.online).length, total: list.length };
  });

  protected readonly rows = computed(() => {
    const query = { q: this.filter(), region: this.region(), tag: this.tag() };
    const state = this.stateFilter();
    const filtered = this.all().filter(
      (r) => (state === 'all' || r.online === (state === 'online')) && siteMatches(r, query),
    );
    const { active, direction } = this.sort();
    if (!direction || !SORTABLE.includes(active as SortKey)) return filtered;
    const key = active as SortKey;
    const sign = direction === 'asc' ? 1 : -1;
    return [...filtered].sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return order * sign || a.name.localeCompare(b.name);
    });
  });

  protected readonly trackByName = (_: number, r: ReceiverResponse) => r.name;

  constructor() {
    this.live.presence$.pipe(takeUntilDestroyed()).subscribe((p) => this.applyPresence(p));
  }

  protected openDetail(site: ReceiverResponse): void {
    this.dialog.open(SiteDetailDialogComponent, { data: site, maxWidth: '95vw' });
  }

  protected onFilter(event: Event): void {
    this.filter.set((event.target as HTMLInputElement).value);
  }

  private applyPresence(p: PresencePayload): void {
    if (!this.all().some((r) => r.name === p.name)) {
      // A site created since the list was loaded.
      this.list.reload();
      return;
    }
    this.all.update((list) => withPresence(list, p));
  }
}
