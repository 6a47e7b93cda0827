import { NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { ApiTokenResponse, TokenScope } from '@avisa/contracts';
import { filter } from 'rxjs';
import { Notifier } from '../../core/notifier';
import { SCOPE_KEYS } from './token-scopes';
import { confirmThen, dangerConfirm } from '../../core/ui/confirm-dialog.component';
import { apiResource, rowActions } from '../../core/api-resource';
import { TokenCreateDialogComponent } from './token-create-dialog.component';
import { type TokenState, tokenState } from './token-state';
import { TokensApi } from './tokens.api';
import { SCREEN_KIT } from '../../core/ui/kit';
import { columnsOf } from '../../core/ui/table-head.component';

/** API tokens for other systems (monitoring, scripts): create, list, revoke. */
@Component({
  selector: 'av-tokens',
  imports: [SCREEN_KIT, NgTemplateOutlet, MatChipsModule, MatSlideToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './tokens.component.html',
  styleUrl: './tokens.component.scss',
})
export class TokensComponent {
  private readonly api = inject(TokensApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  protected readonly columns = [
    ...columnsOf('tokens.columns', [
      'name',
      'prefix',
      'scopes',
      'state',
      'createdBy',
      'created',
      'lastUsed',
      'expires',
    ]).map((column) =>
      // On a tablet the key's prefix and who created it give way; the name and the state say which token it is.
      column.key === 'tokens.columns.prefix' || column.key === 'tokens.columns.createdBy'
        ? { ...column, hideOnTablet: true }
        : column,
    ),
    { key: 'common.actions' },
  ];
  protected readonly list = apiResource(() => this.api.list(), { initial: [] });
  protected readonly tokens = this.list.value;
  protected readonly showInactive = signal(true);
  protected readonly shown = computed(() =>
    this.showInactive() ? this.tokens() : this.tokens().filter((t) => this.stateOf(t) === 'active'),
  );
  protected readonly rows = rowActions<number>();

  protected stateOf(t: ApiTokenResponse): TokenState {
    return tokenState(t);
  }

  protected scopeKey(scope: string): string {
    return SCOPE_KEYS[scope as TokenScope];
  }

  protected openCreate(): void {
    this.dialog
      .open(TokenCreateDialogComponent, { maxWidth: '95vw' })
      .afterClosed()
      .pipe(filter((created) => !!created))
      .subscribe(() => this.list.reload());
  }

  protected revoke(token: ApiTokenResponse): void {
    confirmThen(this.dialog, dangerConfirm('tokens.revokeConfirm', { name: token.displayName }, 'tokens.revoke'), () =>
      this.rows.run(token.id, this.api.revoke(token.id), {
        next: (revoked) => {
          this.tokens.update((list) => list.map((t) => (t.id === revoked.id ? revoked : t)));
          this.notifier.info('tokens.revoked', { name: token.displayName });
        },
      }),
    );
  }
}
