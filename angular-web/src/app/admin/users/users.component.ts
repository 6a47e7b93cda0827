import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { type MatSelectChange, MatSelectModule } from '@angular/material/select';
import { type MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { ROLES, type Role, type UserResponse } from '@avisa/contracts';
import { filter } from 'rxjs';
import { apiResource, rowActions } from '../../core/api-resource';
import { Notifier } from '../../core/notifier';
import { SessionStore } from '../../core/session.store';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { tokensCreatedBy } from '../tokens/token-state';
import { TokensApi } from '../tokens/tokens.api';
import { UserDialogComponent, type UserDialogData } from './user-dialog.component';
import { UsersApi } from './users.api';
import { SCREEN_KIT } from '../../core/ui/kit';
import { columnsOf, type TableColumn } from '../../core/ui/table-head.component';

/** Why a change is not offered for a user: a translation key, or null when it is allowed. */
type Block = string | null;

const TOKEN_NAMES_SHOWN = 5;

function tokenWarningKey(action: 'disable' | 'delete', count: number): string | undefined {
  if (!count) return undefined;
  if (action === 'disable') return count === 1 ? 'users.tokensPausedOne' : 'users.tokensPausedMany';
  return count === 1 ? 'users.tokensEndedOne' : 'users.tokensEndedMany';
}

/** Accounts of the web app: create, set password, role, enable/disable, delete. */
@Component({
  selector: 'av-users',
  imports: [SCREEN_KIT, MatFormFieldModule, MatSelectModule, MatSlideToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './users.component.html',
  styleUrl: './users.component.scss',
})
export class UsersComponent {
  private readonly api = inject(UsersApi);
  private readonly tokens = inject(TokensApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(SessionStore);

  protected readonly roles = ROLES;
  protected readonly columns: TableColumn[] = [
    ...columnsOf('users.fields', ['username', 'displayName', 'role', 'enabled', 'createdAt']),
    { key: 'common.actions', hidden: true },
  ];
  protected readonly list = apiResource(() => this.api.list(), { initial: [] });
  protected readonly users = this.list.value;
  protected readonly rows = rowActions<number>();
  protected readonly ownId = computed(() => this.session.user()?.id ?? null);

  protected roleBlocked(u: UserResponse): Block {
    if (u.builtin) return 'users.blocked.builtinRole';
    if (u.id === this.ownId()) return 'users.blocked.ownRole';
    return null;
  }

  protected enabledBlocked(u: UserResponse): Block {
    // Enabling is always allowed; only switching off is refused.
    if (!u.enabled) return null;
    if (u.builtin) return 'users.blocked.builtinDisable';
    if (u.id === this.ownId()) return 'users.blocked.ownDisable';
    return null;
  }

  protected deleteBlocked(u: UserResponse): Block {
    if (u.builtin) return 'users.blocked.builtinDelete';
    if (u.id === this.ownId()) return 'users.blocked.ownDelete';
    return null;
  }

  protected create(): void {
    this.dialog
      .open<UserDialogComponent, UserDialogData, UserResponse>(UserDialogComponent, { data: {} })
      .afterClosed()
      .pipe(filter((u): u is UserResponse => !!u))
      .subscribe((user) => {
        this.users.set([...this.users(), user].sort((a, b) => a.username.localeCompare(b.username)));
        this.notifier.info('users.created', { name: user.username });
      });
  }

  protected setPassword(user: UserResponse): void {
    this.dialog
      .open<UserDialogComponent, UserDialogData, UserResponse>(UserDialogComponent, { data: { user } })
      .afterClosed()
      .pipe(filter((u) => !!u))
      .subscribe(() => this.notifier.info('users.passwordSet', { name: user.username }));
  }

  protected changeRole(user: UserResponse, event: MatSelectChange<Role>): void {
    this.run(user, this.api.setRole(user.id, event.value), () => (event.source.value = user.role), 'users.roleChanged');
  }

  protected changeEnabled(user: UserResponse, event: MatSlideToggleChange): void {
    const revert = () => (event.source.checked = user.enabled);
    if (event.checked) {
      this.run(user, this.api.setEnabled(user.id, true), revert, 'users.enabledDone');
      return;
    }
    this.confirmTokens(
      user,
      'disable',
      () => this.run(user, this.api.setEnabled(user.id, false), revert, 'users.disabledDone'),
      revert,
    );
  }

  protected remove(user: UserResponse): void {
    if (this.deleteBlocked(user)) return;
    this.confirmTokens(user, 'delete', () =>
      this.rows.run(user.id, this.api.delete(user.id), {
        next: () => {
          this.users.set(this.users().filter((u) => u.id !== user.id));
          this.notifier.info('users.deleted', { name: user.username });
        },
      }),
    );
  }

  /**
   * API tokens stop working while their creator is disabled, and for good once it is deleted: the admin is told
   * which before confirming. Disabling a user without tokens needs no confirmation, as before.
   */
  private confirmTokens(
    user: UserResponse,
    action: 'disable' | 'delete',
    confirmed: () => void,
    refused: () => void = () => undefined,
  ): void {
    this.rows.run(user.id, this.tokens.list(), {
      next: (list) => {
        const owned = tokensCreatedBy(list, user.id);
        if (action === 'disable' && !owned.length) return confirmed();
        const names = owned.slice(0, TOKEN_NAMES_SHOWN).map((t) => t.name);
        if (owned.length > TOKEN_NAMES_SHOWN) names.push('…');
        confirmAction(this.dialog, {
          titleKey: action === 'disable' ? 'users.disableTitle' : 'users.deleteTitle',
          messageKey: action === 'disable' ? 'users.disableMessage' : 'users.deleteMessage',
          warningKey: tokenWarningKey(action, owned.length),
          params: { name: user.username, count: owned.length, names: names.join(', ') },
          confirmKey: action === 'disable' ? 'users.disable' : 'common.delete',
          danger: true,
        }).subscribe((yes) => (yes ? confirmed() : refused()));
      },
      problem: (problem) => {
        refused();
        this.rows.setProblem(user.id, problem);
      },
    });
  }

  private run(user: UserResponse, request: ReturnType<UsersApi['setRole']>, revert: () => void, doneKey: string): void {
    this.rows.run(user.id, request, {
      next: (updated) => {
        this.users.set(this.users().map((u) => (u.id === updated.id ? updated : u)));
        this.notifier.info(doneKey, { name: updated.username });
      },
      problem: (problem) => {
        revert();
        this.rows.setProblem(user.id, problem);
      },
    });
  }
}
