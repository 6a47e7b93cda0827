import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { UPDATE_WHEN, type ReceiverResponse, type ReceiverUpdatesResponse, type UpdateWhen } from '@avisa/contracts';
import type { ApiProblem } from '../../core/api-error';
import { apiAction } from '../../core/api-resource';
import { Notifier } from '../../core/notifier';
import { confirmThen } from '../../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../../core/ui/kit';
import { AdminSitesApi } from './admin-sites.api';
import { versionCounts } from './receiver-versions';

/**
 * The receiver version this server serves, who is behind it, and the rollout: start it now or for the night window,
 * cancel it; the sites whose update failed, with the reason they gave.
 */
@Component({
  selector: 'av-receiver-updates-panel',
  imports: [SCREEN_KIT],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './receiver-updates-panel.component.html',
  styleUrl: './receiver-updates-panel.component.scss',
})
export class ReceiverUpdatesPanelComponent {
  private readonly api = inject(AdminSitesApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  readonly status = input<ReceiverUpdatesResponse | null>(null);
  readonly sites = input<readonly ReceiverResponse[]>([]);
  readonly problem = input<ApiProblem | null>(null);
  /** A rollout was started or cancelled: the status is worth loading again. */
  readonly changed = output<void>();

  protected readonly action = apiAction();
  protected readonly whens = UPDATE_WHEN;
  protected readonly whenIcon: Record<UpdateWhen, string> = { now: 'system_update', night: 'bedtime' };
  protected readonly served = computed(() => this.status()?.available ?? null);
  protected readonly counts = computed(() => {
    const served = this.served();
    return served ? versionCounts(this.sites(), served.version) : null;
  });
  protected readonly failed = computed(() => (this.status()?.sites ?? []).filter((s) => s.state === 'failed'));
  /** A rollout of a version the server no longer serves offers nothing: it has to be started again. */
  protected readonly stale = computed(() => {
    const rollout = this.status()?.rollout;
    const served = this.served();
    return !!rollout && !!served && rollout.version !== served.version;
  });

  protected start(when: UpdateWhen): void {
    const served = this.served();
    if (!served) return;
    const params = { version: served.version, window: this.status()?.nightWindow ?? '' };
    const prefix = `manageSites.updates.confirm.${when}`;
    confirmThen(
      this.dialog,
      { titleKey: `${prefix}.title`, messageKey: `${prefix}.message`, confirmKey: `${prefix}.confirm`, params },
      () =>
        this.action.run(this.api.startRollout({ version: served.version, when }), {
          next: () => {
            this.notifier.info(`manageSites.updates.started.${when}`, params);
            this.changed.emit();
          },
        }),
    );
  }

  protected cancel(): void {
    const rollout = this.status()?.rollout;
    if (!rollout) return;
    const prefix = 'manageSites.updates.confirm.cancel';
    confirmThen(
      this.dialog,
      {
        titleKey: `${prefix}.title`,
        messageKey: `${prefix}.message`,
        confirmKey: `${prefix}.confirm`,
        params: { version: rollout.version },
        danger: true,
      },
      () =>
        this.action.run(this.api.cancelRollout(), {
          next: () => {
            this.notifier.info('manageSites.updates.cancelled', { version: rollout.version });
            this.changed.emit();
          },
          // Someone else cancelled it meanwhile: what matters is the state now.
          problem: (problem) => (problem.status === 404 ? this.changed.emit() : this.action.problem.set(problem)),
        }),
    );
  }
}
