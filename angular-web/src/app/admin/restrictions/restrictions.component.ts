import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, FormsModule, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type {
  GroupResponse,
  OperatorRestrictionsRequest,
  OperatorRestrictionsResponse,
  UserResponse,
} from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { catchError, finalize, forkJoin, map, of, startWith, switchMap } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { Notifier } from '../../core/notifier';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { RestrictionsApi } from './restrictions.api';

const FILTER_FROM = 10;

/** Limits operators to some groups (and, optionally, alerts to every site), or lifts the limit. */
@Component({
  selector: 'av-restrictions',
  imports: [
    FormsModule,
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    ApiErrorComponent,
    TranslocoPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.restrictions' | transloco }}</h1>
      </header>
      <p class="av-muted">{{ 'restrictions.intro' | transloco }}</p>
      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <av-api-error [problem]="loadProblem()" />

      <div class="layout">
        <div class="av-table-wrap operators">
          <table>
            <thead>
              <tr>
                <th scope="col">{{ 'restrictions.columns.operator' | transloco }}</th>
                <th scope="col">{{ 'restrictions.columns.summary' | transloco }}</th>
              </tr>
            </thead>
            <tbody>
              @for (u of operators(); track u.id) {
                <tr
                  data-testid="restriction-operator"
                  [attr.data-user]="u.username"
                  [class.selected]="selected()?.id === u.id"
                >
                  <td>
                    <button
                      type="button"
                      class="pick"
                      (click)="select(u)"
                      [attr.aria-pressed]="selected()?.id === u.id"
                      data-testid="restriction-select"
                    >
                      <span class="user">{{ u.displayName }}</span>
                      <span class="av-muted mono">{{ u.username }}</span>
                      @if (!u.enabled) {
                        <span class="av-muted">· {{ 'restrictions.disabledUser' | transloco }}</span>
                      }
                    </button>
                  </td>
                  <td data-testid="restriction-summary">
                    @let r = summaries()[u.id];
                    @if (r === undefined) {
                      <span class="av-muted">…</span>
                    } @else if (r === null) {
                      <span class="av-muted">—</span>
                    } @else if (!r.restricted) {
                      {{ 'restrictions.summary.none' | transloco }}
                    } @else {
                      {{
                        (r.groups.length === 1 ? 'restrictions.summary.oneGroup' : 'restrictions.summary.groups')
                          | transloco: { count: r.groups.length }
                      }}
                      @if (r.allowGlobal) {
                        {{ 'restrictions.summary.plusGlobal' | transloco }}
                      }
                    }
                  </td>
                </tr>
              } @empty {
                @if (!loading()) {
                  <tr>
                    <td colspan="2" class="av-muted empty">{{ 'restrictions.noOperators' | transloco }}</td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>

        <div class="editor">
          @if (selected(); as user) {
            <form [formGroup]="form" (ngSubmit)="save(user)" data-testid="restriction-form">
              <h2>{{ 'restrictions.editTitle' | transloco: { name: user.displayName } }}</h2>
              @if (loadingOne()) {
                <mat-progress-bar mode="indeterminate" />
              }
              <av-api-error [problem]="oneProblem()" />
              <mat-slide-toggle formControlName="restricted" data-testid="restriction-toggle">
                {{ 'restrictions.restricted' | transloco }}
              </mat-slide-toggle>
              <p class="av-muted help">
                {{ (restricted() ? 'restrictions.restrictedHelp' : 'restrictions.unrestrictedHelp') | transloco }}
              </p>

              <fieldset>
                <legend id="restriction-groups-label">{{ 'restrictions.groups' | transloco }}</legend>
                @if (allGroups().length >= filterFrom) {
                  <mat-form-field class="av-full-width">
                    <mat-label>{{ 'restrictions.filterGroups' | transloco }}</mat-label>
                    <input
                      matInput
                      [ngModel]="groupQuery()"
                      (ngModelChange)="groupQuery.set($event)"
                      [ngModelOptions]="{ standalone: true }"
                    />
                  </mat-form-field>
                }
                <div
                  class="groups"
                  role="group"
                  aria-labelledby="restriction-groups-label"
                  data-testid="restriction-groups"
                >
                  @for (g of visibleGroups(); track g) {
                    <mat-checkbox
                      [checked]="chosen().has(g)"
                      [disabled]="!restricted()"
                      (change)="toggleGroup(g, $event.checked)"
                      [attr.data-group]="g"
                    >
                      {{ g }}
                    </mat-checkbox>
                  } @empty {
                    <p class="av-muted">
                      {{ (allGroups().length ? 'restrictions.noGroupMatch' : 'restrictions.noGroups') | transloco }}
                    </p>
                  }
                </div>
                <p class="av-muted">{{ 'restrictions.chosenCount' | transloco: { count: chosen().size } }}</p>
                @if (groupProblem(); as p) {
                  <av-api-error [problem]="p" />
                }
                <mat-checkbox formControlName="allowGlobal" data-testid="restriction-global">
                  {{ 'restrictions.allowGlobal' | transloco }}
                </mat-checkbox>
                <p class="av-muted help">{{ 'restrictions.allowGlobalHelp' | transloco }}</p>
              </fieldset>

              @if (restricted() && !chosen().size && !form.controls.allowGlobal.value) {
                <p class="av-error" role="status" data-testid="restriction-nothing">
                  {{ 'restrictions.sendsNothing' | transloco }}
                </p>
              }
              @if (saveProblem(); as p) {
                <av-api-error [problem]="p" />
              }
              <div class="actions">
                <button mat-button type="button" (click)="select(user)">
                  {{ 'restrictions.discard' | transloco }}
                </button>
                <button
                  mat-flat-button
                  type="submit"
                  [disabled]="saving() || loadingOne()"
                  data-testid="restriction-save"
                >
                  {{ 'common.save' | transloco }}
                </button>
              </div>
            </form>
          } @else {
            <p class="av-muted">{{ 'restrictions.pick' | transloco }}</p>
          }
        </div>
      </div>
    </section>
  `,
  styles: `
    .layout {
      display: flex;
      flex-wrap: wrap;
      gap: 24px;
      align-items: flex-start;
    }
    .operators {
      flex: 1 1 340px;
    }
    .editor {
      flex: 1 1 380px;
    }
    table {
      border-collapse: collapse;
      width: 100%;
    }
    th,
    td {
      text-align: start;
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    th {
      font: var(--mat-sys-title-small);
      color: var(--mat-sys-on-surface-variant);
    }
    tr.selected td {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    .pick {
      all: unset;
      cursor: pointer;
      display: flex;
      flex-wrap: wrap;
      gap: 0 8px;
      width: 100%;
      padding: 4px 0;
      &:focus-visible {
        outline: 2px solid var(--mat-sys-primary);
        outline-offset: 2px;
      }
    }
    .user {
      font: var(--mat-sys-body-large);
    }
    .mono {
      font-family: 'Roboto Mono', ui-monospace, monospace;
    }
    .empty {
      padding: 16px;
    }
    h2 {
      font: var(--mat-sys-title-large);
      margin: 0 0 12px;
    }
    .help {
      margin: 4px 0 12px;
      font: var(--mat-sys-body-small);
    }
    fieldset {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 8px 12px;
      margin: 0 0 12px;
    }
    legend {
      padding: 0 4px;
      font: var(--mat-sys-title-small);
    }
    .groups {
      display: flex;
      flex-direction: column;
      max-height: 320px;
      overflow-y: auto;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 8px;
    }
  `,
})
export class RestrictionsComponent {
  private readonly api = inject(RestrictionsApi);
  private readonly notifier = inject(Notifier);
  protected readonly filterFrom = FILTER_FROM;

  protected readonly users = signal<UserResponse[]>([]);
  protected readonly operators = computed(() => this.users().filter((u) => u.role === 'operator'));
  protected readonly groupNames = signal<string[]>([]);
  /** Per operator id: its restrictions, null when they could not be read, missing while loading. */
  protected readonly summaries = signal<Record<number, OperatorRestrictionsResponse | null>>({});
  protected readonly loading = signal(false);
  protected readonly loadProblem = signal<ApiProblem | null>(null);

  protected readonly selected = signal<UserResponse | null>(null);
  protected readonly loadingOne = signal(false);
  protected readonly oneProblem = signal<ApiProblem | null>(null);
  protected readonly saving = signal(false);
  protected readonly saveProblem = signal<ApiProblem | null>(null);
  /** An unknown group is about the group list; anything else about the whole form. */
  protected readonly groupProblem = signal<ApiProblem | null>(null);

  protected readonly form = inject(FormBuilder).nonNullable.group({ restricted: false, allowGlobal: false });
  protected readonly restricted = toSignal(
    this.form.controls.restricted.valueChanges.pipe(startWith(this.form.controls.restricted.value)),
    { requireSync: true },
  );
  protected readonly chosen = signal<ReadonlySet<string>>(new Set());
  protected readonly groupQuery = signal('');
  /** Groups that exist plus any the operator was given that no longer show up, so they can be removed. */
  protected readonly allGroups = computed(() =>
    [...new Set([...this.groupNames(), ...this.chosen()])].sort((a, b) => a.localeCompare(b)),
  );
  protected readonly visibleGroups = computed(() => {
    const q = this.groupQuery().trim().toLowerCase();
    return q ? this.allGroups().filter((g) => g.toLowerCase().includes(q) || this.chosen().has(g)) : this.allGroups();
  });

  constructor() {
    this.form.controls.restricted.valueChanges.subscribe((on) => {
      if (on) this.form.controls.allowGlobal.enable({ emitEvent: false });
      else this.form.controls.allowGlobal.disable({ emitEvent: false });
    });
    this.form.controls.allowGlobal.disable({ emitEvent: false });
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.loadProblem.set(null);
    forkJoin({ users: this.api.users(), groups: this.api.groups() })
      .pipe(
        switchMap(({ users, groups }) => {
          this.users.set(users);
          this.groupNames.set(groups.map((g: GroupResponse) => g.name));
          const operators = users.filter((u) => u.role === 'operator');
          if (!operators.length) return of([] as (readonly [number, OperatorRestrictionsResponse | null])[]);
          return forkJoin(
            operators.map((u) =>
              this.api.get(u.id).pipe(
                map((r) => [u.id, r] as const),
                catchError(() => of([u.id, null] as const)),
              ),
            ),
          );
        }),
        finalize(() => this.loading.set(false)),
      )
      .subscribe({
        next: (pairs) => this.summaries.set(Object.fromEntries(pairs)),
        error: (error: unknown) => this.loadProblem.set(toApiProblem(error)),
      });
  }

  protected select(user: UserResponse): void {
    this.selected.set(user);
    this.oneProblem.set(null);
    this.saveProblem.set(null);
    this.groupProblem.set(null);
    this.groupQuery.set('');
    const known = this.summaries()[user.id];
    if (known) this.show(known);
    this.loadingOne.set(true);
    this.api
      .get(user.id)
      .pipe(finalize(() => this.loadingOne.set(false)))
      .subscribe({
        next: (r) => {
          if (this.selected()?.id !== user.id) return;
          this.show(r);
          this.summaries.update((all) => ({ ...all, [user.id]: r }));
        },
        error: (error: unknown) => this.oneProblem.set(toApiProblem(error)),
      });
  }

  protected toggleGroup(name: string, on: boolean): void {
    this.chosen.update((set) => {
      const next = new Set(set);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });
  }

  protected save(user: UserResponse): void {
    if (this.saving()) return;
    const { restricted, allowGlobal } = this.form.getRawValue();
    const body: OperatorRestrictionsRequest = restricted
      ? { restricted: true, allowGlobal, groups: [...this.chosen()].sort((a, b) => a.localeCompare(b)) }
      : { restricted: false };
    this.saving.set(true);
    this.saveProblem.set(null);
    this.groupProblem.set(null);
    this.api
      .set(user.id, body)
      .pipe(finalize(() => this.saving.set(false)))
      .subscribe({
        next: (r) => {
          this.summaries.update((all) => ({ ...all, [user.id]: r }));
          if (this.selected()?.id === user.id) this.show(r);
          this.notifier.info('restrictions.saved', { name: user.displayName });
        },
        error: (error: unknown) => {
          const problem = toApiProblem(error);
          if (problem.status === 404 && problem.detail.startsWith('no such group')) this.groupProblem.set(problem);
          else this.saveProblem.set(problem);
        },
      });
  }

  private show(r: OperatorRestrictionsResponse): void {
    // An unrestricted operator answers allowGlobal true; once restricted, sending to every site is opt-in.
    this.form.setValue({ restricted: r.restricted, allowGlobal: r.restricted ? r.allowGlobal : false });
    this.chosen.set(new Set(r.groups));
  }
}
