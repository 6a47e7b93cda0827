import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { ReceiverConnectionResponse, ReceiverResponse } from '@avisa/contracts';
import { apiResource } from '../../core/api-resource';
import { AdminSitesApi } from './admin-sites.api';
import { SCREEN_KIT } from '../../core/ui/kit';

/** Why a connection ended, as the server records it: the hub's own reasons and Socket.IO's. */
const END_REASONS: Record<string, string> = {
  disabled: 'disabled',
  'key rotated': 'keyRotated',
  deleted: 'deleted',
  'server restart': 'serverRestart',
  disconnected: 'disconnected',
  'transport close': 'transportClose',
  'transport error': 'transportError',
  'ping timeout': 'pingTimeout',
  'client namespace disconnect': 'clientDisconnect',
  'server namespace disconnect': 'serverDisconnect',
  'server shutting down': 'serverShutdown',
  'forced close': 'forcedClose',
  'forced server close': 'forcedClose',
  'parse error': 'parseError',
};

export interface Duration {
  key: string;
  params: Record<string, number>;
}

export function duration(fromIso: string, toIso: string | null, now = Date.now()): Duration {
  const seconds = Math.max(0, Math.round(((toIso ? Date.parse(toIso) : now) - Date.parse(fromIso)) / 1000));
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (d) return { key: 'manageSites.duration.days', params: { d, h } };
  if (h) return { key: 'manageSites.duration.hours', params: { h, m } };
  if (m) return { key: 'manageSites.duration.minutes', params: { m, s } };
  return { key: 'manageSites.duration.seconds', params: { s } };
}

/** A site's latest connections, newest first. */
@Component({
  selector: 'av-site-connections-dialog',
  imports: [SCREEN_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'manageSites.connections.title' | transloco: { name: site.displayName } }}</h2>
    <mat-dialog-content>
      @if (connections.loading()) {
        <mat-progress-bar mode="indeterminate" [attr.aria-label]="'common.loading' | transloco" />
      }
      <av-api-error [problem]="connections.problem()" />
      @if (connections.value(); as list) {
        @if (list.length) {
          <div class="av-table-wrap">
            <table class="av-table" data-testid="connections-table">
              <thead>
                <tr>
                  <th scope="col">{{ 'manageSites.connections.connectedAt' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.connections.disconnectedAt' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.connections.duration' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.connections.address' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.connections.clientVersion' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.connections.endReason' | transloco }}</th>
                </tr>
              </thead>
              <tbody>
                @for (c of list; track c.id) {
                  @let span = durationOf(c);
                  <tr data-testid="connection-row">
                    <td>{{ c.connectedAt | avDateTime: 'medium' }}</td>
                    <td>
                      @if (c.disconnectedAt) {
                        {{ c.disconnectedAt | avDateTime: 'medium' }}
                      } @else {
                        <span class="av-state av-state-online">{{
                          'manageSites.connections.ongoing' | transloco
                        }}</span>
                      }
                    </td>
                    <td>{{ span.key | transloco: span.params }}</td>
                    <td>{{ c.address ?? '—' }}</td>
                    <td>{{ c.clientVersion ?? '—' }}</td>
                    <td>
                      @if (c.endReason; as reason) {
                        @if (reasonKey(reason); as key) {
                          {{ key | transloco }}
                        } @else {
                          {{ reason }}
                        }
                      } @else {
                        —
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        } @else {
          <p class="av-muted" data-testid="connections-empty">{{ 'manageSites.connections.none' | transloco }}</p>
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" (click)="connections.reload()">{{ 'common.refresh' | transloco }}</button>
      <button mat-flat-button type="button" mat-dialog-close>{{ 'common.close' | transloco }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    th,
    td {
      white-space: nowrap;
    }
  `,
})
export class SiteConnectionsDialogComponent {
  private readonly api = inject(AdminSitesApi);
  protected readonly site = inject<ReceiverResponse>(MAT_DIALOG_DATA);
  protected readonly connections = apiResource<ReceiverConnectionResponse[] | null>(
    () => this.api.connections(this.site.name),
    { initial: null },
  );

  protected durationOf(c: ReceiverConnectionResponse): Duration {
    return duration(c.connectedAt, c.disconnectedAt);
  }

  protected reasonKey(reason: string): string | null {
    const key = END_REASONS[reason];
    return key ? `manageSites.endReasons.${key}` : null;
  }
}
