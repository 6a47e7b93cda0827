import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { ReceiverResponse } from '@avisa/contracts';
import { SCREEN_KIT } from '../core/ui/kit';
import { SiteTagsComponent } from './site-tags.component';
import { telLink } from './site-details';

/** One site's card for operators and admins: its state and what a support team needs to reach it. */
@Component({
  selector: 'av-site-detail-dialog',
  imports: [SCREEN_KIT, MatDialogModule, SiteTagsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'siteInfo.detail.title' | transloco: { name: site.displayName } }}</h2>
    <mat-dialog-content data-testid="site-detail">
      <dl>
        <dt>{{ 'siteInfo.detail.name' | transloco }}</dt>
        <dd class="av-mono">{{ site.name }}</dd>
        <dt>{{ 'siteInfo.detail.state' | transloco }}</dt>
        <dd><av-online-state [online]="site.online" labels="siteList" testId="site-detail-state" /></dd>
        <dt>{{ 'siteInfo.detail.lastSeen' | transloco }}</dt>
        <dd>{{ site.lastSeenAt | avDateTime }}</dd>
        <dt>{{ 'siteInfo.fields.postalAddress' | transloco }}</dt>
        <dd data-testid="site-detail-address">{{ site.postalAddress ?? none }}</dd>
        <dt>{{ 'siteInfo.fields.phone' | transloco }}</dt>
        <dd data-testid="site-detail-phone">
          @if (site.phone; as phone) {
            <a [href]="tel(phone)">{{ phone }}</a>
          } @else {
            {{ none }}
          }
        </dd>
        <dt>{{ 'siteInfo.fields.region' | transloco }}</dt>
        <dd data-testid="site-detail-region">{{ site.region ?? none }}</dd>
        <dt>{{ 'siteInfo.fields.tags' | transloco }}</dt>
        <dd>
          @if (site.tags.length) {
            <av-site-tags [tags]="site.tags" />
          } @else {
            {{ none }}
          }
        </dd>
        <dt>{{ 'siteInfo.fields.notes' | transloco }}</dt>
        <dd class="notes" data-testid="site-detail-notes">{{ site.notes ?? none }}</dd>
        <dt>{{ 'siteInfo.detail.version' | transloco }}</dt>
        <dd class="av-mono">{{ site.clientVersion ?? none }}</dd>
      </dl>
      @if (empty()) {
        <p class="av-muted">{{ 'siteInfo.detail.empty' | transloco }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close type="button" data-testid="site-detail-close">
        {{ 'common.close' | transloco }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 8px 16px;
      margin: 0;
      min-width: min(420px, 80vw);
    }
    dt {
      font-weight: 500;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .notes {
      white-space: pre-wrap;
    }
  `,
})
export class SiteDetailDialogComponent {
  protected readonly site = inject<ReceiverResponse>(MAT_DIALOG_DATA);
  protected readonly none = '—';
  protected readonly tel = telLink;
  protected readonly empty = computed(
    () =>
      !this.site.postalAddress && !this.site.phone && !this.site.region && !this.site.tags.length && !this.site.notes,
  );
}
