import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { type MatSelectChange, MatSelectModule } from '@angular/material/select';
import { type MatSlideToggleChange, MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ROLES, type Role, type UserResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { type Observable, filter, finalize, map, of, switchMap } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { DateTimePipe } from '../../core/format';
import { Notifier } from '../../core/notifier';
import { SessionStore } from '../../core/session.store';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { tokensCreatedBy } from '../tokens/token-state';
import { TokensApi } from '../tokens/tokens.api';
import { UserDialogComponent, type UserDialogData } from './user-dialog.component';
import { UsersApi } from './users.api';

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
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTooltipModule,
    TranslocoPipe,
    DateTimePipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.users' | transloco }}</h1>
        <button mat-flat-button type="button" (click)="create()" data-testid="user-create">
          <mat-icon>person_add</mat-icon>
          {{ 'users.create' | transloco }}
        </button>
      </header>
      <av-api-error [problem]="problem()" />
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <div class="av-table-wrap">
        <table class="users-table">
          <thead>
            <tr>
              <th scope="col">{{ 'users.fields.username' | transloco }}</th>
              <th scope="col">{{ 'users.fields.displayName' | transloco }}</th>
              <th scope="col">{{ 'users.fields.role' | transloco }}</th>
              <th scope="col">{{ 'users.fields.enabled' | transloco }}</th>
              <th scope="col">{{ 'users.fields.createdAt' | transloco }}</th>
              <th scope="col">
                <span class="cdk-visually-hidden">{{ 'common.actions' | transloco }}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            @for (u of users(); track u.id) {
              @let roleBlock = roleBlocked(u);
              @let enabledBlock = enabledBlocked(u);
              @let deleteBlock = deleteBlocked(u);
              <tr data-testid="user-row" [attr.data-username]="u.username" [class.disabled]="!u.enabled">
                <td>
                  <span class="username">{{ u.username }}</span>
                  @if (u.id === ownId()) {
                    <span class="av-muted"> ({{ 'users.you' | transloco }})</span>
                  }
                  @if (u.builtin) {
                    <span
                      class="av-state builtin"
                      tabindex="0"
                      [matTooltip]="'users.builtinHint' | transloco"
                      data-testid="user-builtin"
                    >
                      <mat-icon inline>verified_user</mat-icon>
                      {{ 'users.builtin' | transloco }}
                    </span>
                  }
                </td>
                <td>{{ u.displayName }}</td>
                <td>
                  <span
                    class="tip"
                    [matTooltip]="roleBlock ? (roleBlock | transloco) : ''"
                    [attr.tabindex]="roleBlock ? 0 : null"
                    [attr.aria-label]="roleBlock ? (roleBlock | transloco) : null"
                  >
                    <mat-form-field subscriptSizing="dynamic" class="role">
                      <mat-select
                        [value]="u.role"
                        [disabled]="!!roleBlock || busy().has(u.id)"
                        (selectionChange)="changeRole(u, $event)"
                        [aria-label]="'users.roleOf' | transloco: { name: u.username }"
                        data-testid="user-role"
                      >
                        @for (r of roles; track r) {
                          <mat-option [value]="r">{{ 'roles.' + r | transloco }}</mat-option>
                        }
                      </mat-select>
                    </mat-form-field>
                  </span>
                </td>
                <td>
                  <mat-slide-toggle
                    [checked]="u.enabled"
                    [disabled]="!!enabledBlock || busy().has(u.id)"
                    [disabledInteractive]="!!enabledBlock"
                    [matTooltip]="enabledBlock ? (enabledBlock | transloco) : ''"
                    (change)="changeEnabled(u, $event)"
                    [aria-label]="'users.enabledOf' | transloco: { name: u.username }"
                    data-testid="user-enabled"
                  >
                    {{ (u.enabled ? 'users.enabled' : 'users.disabled') | transloco }}
                  </mat-slide-toggle>
                </td>
                <td class="nowrap">{{ u.createdAt | avDateTime }}</td>
                <td class="actions">
                  <button
                    mat-icon-button
                    type="button"
                    (click)="setPassword(u)"
                    [matTooltip]="'users.setPassword' | transloco"
                    [attr.aria-label]="'users.setPasswordOf' | transloco: { name: u.username }"
                    data-testid="user-password"
                  >
                    <mat-icon>password</mat-icon>
                  </button>
                  <button
                    mat-icon-button
                    type="button"
                    (click)="remove(u)"
                    [disabled]="!!deleteBlock || busy().has(u.id)"
                    [disabledInteractive]="!!deleteBlock"
                    [matTooltip]="deleteBlock ?? 'users.delete' | transloco"
                    [attr.aria-label]="'users.deleteOf' | transloco: { name: u.username }"
                    data-testid="user-delete"
                  >
                    <mat-icon>delete</mat-icon>
                  </button>
                </td>
              </tr>
              @if (rowProblems()[u.id]; as rowProblem) {
                <tr class="row-problem" data-testid="user-row-error" [attr.data-username]="u.username">
                  <td colspan="6"><av-api-error [problem]="rowProblem" /></td>
                </tr>
              }
            } @empty {
              @if (!loading()) {
                <tr>
                  <td colspan="6" class="empty av-muted">{{ 'users.empty' | transloco }}</td>
                </tr>
              }
            }
          </tbody>
        </table>
      </div>
    </section>
  `,
  styles: `
    .users-table {
      width: 100%;
      border-collapse: collapse;
      font: var(--mat-sys-body-medium);
    }
    th {
      text-align: left;
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
      padding: 12px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    td {
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: middle;
    }
    tr.row-problem td {
      border-bottom-color: var(--mat-sys-error);
    }
    tr.disabled .username {
      color: var(--mat-sys-on-surface-variant);
      text-decoration: line-through;
    }
    .username {
      font-weight: 500;
    }
    .builtin {
      margin-left: 8px;
      white-space: nowrap;
    }
    .tip {
      display: inline-block;
    }
    .role {
      width: 160px;
      --mat-form-field-container-vertical-padding: 8px;
      --mat-form-field-container-height: 40px;
    }
    .nowrap {
      white-space: nowrap;
    }
    .actions {
      white-space: nowrap;
      text-align: right;
    }
    .empty {
      padding: 24px 8px;
      text-align: center;
    }
  `,
})
export class UsersComponent {
  private readonly api = inject(UsersApi);
  private readonly tokens = inject(TokensApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(SessionStore);

  protected readonly roles = ROLES;
  protected readonly users = signal<UserResponse[]>([]);
  protected readonly loading = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly rowProblems = signal<Record<number, ApiProblem>>({});
  protected readonly busy = signal<ReadonlySet<number>>(new Set());
  protected readonly ownId = computed(() => this.session.user()?.id ?? null);

  constructor() {
    this.load();
  }

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
    this.confirmTokens(user, 'disable').subscribe({
      next: (yes) =>
        yes ? this.run(user, this.api.setEnabled(user.id, false), revert, 'users.disabledDone') : revert(),
      error: (error: unknown) => {
        revert();
        this.setRowProblem(user, toApiProblem(error));
      },
    });
  }

  protected remove(user: UserResponse): void {
    if (this.deleteBlocked(user)) return;
    this.confirmTokens(user, 'delete')
      .pipe(
        filter((yes) => yes),
        switchMap(() => {
          this.start(user);
          return this.api.delete(user.id).pipe(finalize(() => this.finish(user)));
        }),
      )
      .subscribe({
        next: () => {
          this.users.set(this.users().filter((u) => u.id !== user.id));
          this.notifier.info('users.deleted', { name: user.username });
        },
        error: (error: unknown) => this.setRowProblem(user, toApiProblem(error)),
      });
  }

  /**
   * API tokens stop working while their creator is disabled, and for good once it is deleted: the admin is told
   * which before confirming. Disabling a user without tokens needs no confirmation, as before.
   */
  private confirmTokens(user: UserResponse, action: 'disable' | 'delete'): Observable<boolean> {
    this.start(user);
    return this.tokens.list().pipe(
      finalize(() => this.finish(user)),
      map((list) => tokensCreatedBy(list, user.id)),
      switchMap((owned) => {
        if (action === 'disable' && !owned.length) return of(true);
        const names = owned.slice(0, TOKEN_NAMES_SHOWN).map((t) => t.name);
        if (owned.length > TOKEN_NAMES_SHOWN) names.push('…');
        return confirmAction(this.dialog, {
          titleKey: action === 'disable' ? 'users.disableTitle' : 'users.deleteTitle',
          messageKey: action === 'disable' ? 'users.disableMessage' : 'users.deleteMessage',
          warningKey: tokenWarningKey(action, owned.length),
          params: { name: user.username, count: owned.length, names: names.join(', ') },
          confirmKey: action === 'disable' ? 'users.disable' : 'common.delete',
          danger: true,
        }).pipe(map((yes) => yes === true));
      }),
    );
  }

  private load(): void {
    this.loading.set(true);
    this.api
      .list()
      .pipe(finalize(() => this.loading.set(false)))
      .subscribe({
        next: (users) => {
          this.users.set(users);
          this.problem.set(null);
        },
        error: (error: unknown) => this.problem.set(toApiProblem(error)),
      });
  }

  private run(user: UserResponse, request: ReturnType<UsersApi['setRole']>, revert: () => void, doneKey: string): void {
    this.start(user);
    request.pipe(finalize(() => this.finish(user))).subscribe({
      next: (updated) => {
        this.users.set(this.users().map((u) => (u.id === updated.id ? updated : u)));
        this.notifier.info(doneKey, { name: updated.username });
      },
      error: (error: unknown) => {
        revert();
        this.setRowProblem(user, toApiProblem(error));
      },
    });
  }

  private start(user: UserResponse): void {
    this.setRowProblem(user, null);
    this.busy.set(new Set([...this.busy(), user.id]));
  }

  private finish(user: UserResponse): void {
    const next = new Set(this.busy());
    next.delete(user.id);
    this.busy.set(next);
  }

  private setRowProblem(user: UserResponse, problem: ApiProblem | null): void {
    const next = { ...this.rowProblems() };
    if (problem) next[user.id] = problem;
    else delete next[user.id];
    this.rowProblems.set(next);
  }
}
