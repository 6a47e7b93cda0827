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
  templateUrl: './tokens.component.html',
  styleUrl: './tokens.component.scss',
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
