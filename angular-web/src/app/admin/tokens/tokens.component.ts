import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { ApiTokenResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { filter, finalize } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { DateTimePipe } from '../../core/format';
import { Notifier } from '../../core/notifier';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { TokenCreateDialogComponent } from './token-create-dialog.component';
import { type TokenState, tokenState } from './token-state';
import { TokensApi } from './tokens.api';

/** API tokens for other systems (monitoring, scripts): create, list, revoke. */
@Component({
  selector: 'av-tokens',
  imports: [
    MatButtonModule,
    MatChipsModule,
    MatIconModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    MatTooltipModule,
    ApiErrorComponent,
    DateTimePipe,
    TranslocoPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.tokens' | transloco }}</h1>
        <mat-slide-toggle
          [checked]="showInactive()"
          (change)="showInactive.set($event.checked)"
          data-testid="token-show-inactive"
        >
          {{ 'tokens.showInactive' | transloco }}
        </mat-slide-toggle>
        <button mat-flat-button type="button" (click)="openCreate()" data-testid="token-create">
          <mat-icon>add</mat-icon>
          {{ 'tokens.createButton' | transloco }}
        </button>
      </header>
      <p class="av-muted">{{ 'tokens.intro' | transloco }}</p>
      <p class="av-muted" data-testid="token-creator-rule">{{ 'tokens.creatorRule' | transloco }}</p>
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <av-api-error [problem]="loadProblem()" />
      <div class="av-table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{{ 'tokens.columns.name' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.prefix' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.scopes' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.state' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.createdBy' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.created' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.lastUsed' | transloco }}</th>
              <th scope="col">{{ 'tokens.columns.expires' | transloco }}</th>
              <th scope="col">{{ 'common.actions' | transloco }}</th>
            </tr>
          </thead>
          <tbody>
            @for (t of shown(); track t.id) {
              @let state = stateOf(t);
              <tr
                data-testid="token-row"
                [attr.data-token]="t.name"
                [attr.data-state]="state"
                [class.inactive]="state !== 'active'"
              >
                <td class="mono">{{ t.name }}</td>
                <td class="mono">{{ t.prefix }}…</td>
                <td>
                  <mat-chip-set [attr.aria-label]="'tokens.columns.scopes' | transloco">
                    @for (scope of t.scopes; track scope) {
                      <mat-chip [matTooltip]="'tokens.scopes.' + scopeKey(scope) + '.help' | transloco">
                        {{ 'tokens.scopes.' + scopeKey(scope) + '.label' | transloco }}
                      </mat-chip>
                    }
                  </mat-chip-set>
                </td>
                <td>
                  <span
                    class="av-state"
                    [class.av-state-online]="state === 'active'"
                    [class.av-state-offline]="state !== 'active'"
                  >
                    {{ 'tokens.states.' + state | transloco }}
                  </span>
                  @if (t.revokedAt) {
                    <div class="av-muted small">{{ t.revokedAt | avDateTime }}</div>
                  }
                </td>
                <td data-testid="token-creator">{{ t.createdBy }}</td>
                <td>{{ t.createdAt | avDateTime }}</td>
                <td>
                  @if (t.lastUsedAt) {
                    {{ t.lastUsedAt | avDateTime }}
                  } @else {
                    <span class="av-muted">{{ 'tokens.neverUsed' | transloco }}</span>
                  }
                </td>
                <td>
                  @if (t.expiresAt) {
                    {{ t.expiresAt | avDateTime }}
                  } @else {
                    <span class="av-muted">{{ 'tokens.noExpiry' | transloco }}</span>
                  }
                </td>
                <td>
                  <button
                    mat-stroked-button
                    type="button"
                    class="danger"
                    (click)="revoke(t)"
                    [disabled]="!!t.revokedAt || revoking() === t.id"
                    data-testid="token-revoke"
                  >
                    {{ 'tokens.revoke' | transloco }}
                  </button>
                  @if (rowProblem()?.id === t.id) {
                    <av-api-error [problem]="rowProblem()!.problem" />
                  }
                </td>
              </tr>
            } @empty {
              <tr>
                <td class="av-muted empty" colspan="9">
                  {{ (tokens().length ? 'tokens.onlyInactive' : 'tokens.empty') | transloco }}
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </section>
  `,
  styles: `
    table {
      border-collapse: collapse;
      width: 100%;
    }
    th,
    td {
      text-align: start;
      padding: 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: middle;
    }
    th {
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .mono {
      font-family: 'Roboto Mono', ui-monospace, monospace;
      white-space: nowrap;
    }
    tr.inactive td {
      color: var(--mat-sys-on-surface-variant);
    }
    .small {
      font: var(--mat-sys-body-small);
    }
    .empty {
      padding: 16px;
    }
    .danger:not([disabled]) {
      color: var(--mat-sys-error);
    }
  `,
})
export class TokensComponent {
  private readonly api = inject(TokensApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  protected readonly tokens = signal<ApiTokenResponse[]>([]);
  protected readonly showInactive = signal(true);
  protected readonly shown = computed(() =>
    this.showInactive() ? this.tokens() : this.tokens().filter((t) => this.stateOf(t) === 'active'),
  );
  protected readonly loading = signal(false);
  protected readonly loadProblem = signal<ApiProblem | null>(null);
  protected readonly revoking = signal<number | null>(null);
  protected readonly rowProblem = signal<{ id: number; problem: ApiProblem } | null>(null);

  constructor() {
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.loadProblem.set(null);
    this.api
      .list()
      .pipe(finalize(() => this.loading.set(false)))
      .subscribe({
        next: (list) => this.tokens.set(list),
        error: (error: unknown) => this.loadProblem.set(toApiProblem(error)),
      });
  }

  protected stateOf(t: ApiTokenResponse): TokenState {
    return tokenState(t);
  }

  protected scopeKey(scope: string): string {
    return scope === 'messages:send' ? 'send' : 'read';
  }

  protected openCreate(): void {
    this.dialog
      .open(TokenCreateDialogComponent, { maxWidth: '95vw' })
      .afterClosed()
      .pipe(filter((created) => !!created))
      .subscribe(() => this.load());
  }

  protected revoke(token: ApiTokenResponse): void {
    confirmAction(this.dialog, {
      titleKey: 'tokens.revokeConfirm.title',
      messageKey: 'tokens.revokeConfirm.message',
      confirmKey: 'tokens.revoke',
      params: { name: token.name },
      danger: true,
    })
      .pipe(filter((yes) => !!yes))
      .subscribe(() => {
        this.revoking.set(token.id);
        this.rowProblem.set(null);
        this.api
          .revoke(token.id)
          .pipe(finalize(() => this.revoking.set(null)))
          .subscribe({
            next: (revoked) => {
              this.tokens.update((list) => list.map((t) => (t.id === revoked.id ? revoked : t)));
              this.notifier.info('tokens.revoked', { name: token.name });
            },
            error: (error: unknown) => this.rowProblem.set({ id: token.id, problem: toApiProblem(error) }),
          });
      });
  }
}
