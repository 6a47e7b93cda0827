import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, FormsModule } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type {
  GroupResponse,
  OperatorRestrictionsRequest,
  OperatorRestrictionsResponse,
  UserResponse,
} from '@avisa/contracts';
import { type Observable, catchError, forkJoin, map, of, startWith, switchMap } from 'rxjs';
import type { ApiProblem } from '../../core/api-error';
import { apiAction, apiResource } from '../../core/api-resource';
import { Notifier } from '../../core/notifier';
import { RestrictionsApi } from './restrictions.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { columnsOf } from '../../core/ui/table-head.component';

const FILTER_FROM = 10;

/** Limits operators to some groups (and, optionally, alerts to every site), or lifts the limit. */
@Component({
  selector: 'av-restrictions',
  imports: [SCREEN_KIT, FORM_KIT, FormsModule, MatCheckboxModule, MatSlideToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './restrictions.component.html',
  styleUrl: './restrictions.component.scss',
})
export class RestrictionsComponent {
  private readonly api = inject(RestrictionsApi);
  private readonly notifier = inject(Notifier);
  protected readonly filterFrom = FILTER_FROM;
  protected readonly columns = columnsOf('restrictions.columns', ['operator', 'summary']);

  protected readonly users = signal<UserResponse[]>([]);
  protected readonly operators = computed(() => this.users().filter((u) => u.role === 'operator'));
  protected readonly groupNames = signal<string[]>([]);
  /** Each group's name as typed, by its key. */
  private readonly shownNames = signal(new Map<string, string>());
  protected readonly shownGroup = (key: string) => this.shownNames().get(key) ?? key;
  /** Per operator id: its restrictions, null when they could not be read, missing while loading. */
  protected readonly summaries = apiResource(() => this.loadAll(), {
    initial: {} as Record<number, OperatorRestrictionsResponse | null>,
  });

  protected readonly selected = signal<UserResponse | null>(null);
  protected readonly one = apiAction();
  protected readonly saving = apiAction();
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
    return q
      ? this.allGroups().filter(
          (g) => g.toLowerCase().includes(q) || this.shownGroup(g).toLowerCase().includes(q) || this.chosen().has(g),
        )
      : this.allGroups();
  });

  constructor() {
    this.form.controls.restricted.valueChanges.subscribe((on) => {
      if (on) this.form.controls.allowGlobal.enable({ emitEvent: false });
      else this.form.controls.allowGlobal.disable({ emitEvent: false });
    });
    this.form.controls.allowGlobal.disable({ emitEvent: false });
  }

  /** Users and groups first (the list shows at once), then each operator's restrictions. */
  private loadAll(): Observable<Record<number, OperatorRestrictionsResponse | null>> {
    return forkJoin({ users: this.api.users(), groups: this.api.groups() }).pipe(
      switchMap(({ users, groups }) => {
        this.users.set(users);
        this.groupNames.set(groups.map((g: GroupResponse) => g.name));
        this.shownNames.set(new Map(groups.map((g: GroupResponse) => [g.name, g.displayName])));
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
      map((pairs) => Object.fromEntries(pairs)),
    );
  }

  protected select(user: UserResponse): void {
    this.selected.set(user);
    this.saving.problem.set(null);
    this.groupProblem.set(null);
    this.groupQuery.set('');
    const known = this.summaries.value()[user.id];
    if (known) this.show(known);
    this.one.run(this.api.get(user.id), {
      next: (r) => {
        if (this.selected()?.id !== user.id) return;
        this.show(r);
        this.summaries.value.update((all) => ({ ...all, [user.id]: r }));
      },
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
    if (this.saving.busy()) return;
    const { restricted, allowGlobal } = this.form.getRawValue();
    const body: OperatorRestrictionsRequest = restricted
      ? { restricted: true, allowGlobal, groups: [...this.chosen()].sort((a, b) => a.localeCompare(b)) }
      : { restricted: false };
    this.groupProblem.set(null);
    this.saving.run(this.api.set(user.id, body), {
      next: (r) => {
        this.summaries.value.update((all) => ({ ...all, [user.id]: r }));
        if (this.selected()?.id === user.id) this.show(r);
        this.notifier.info('restrictions.saved', { name: user.displayName });
      },
      problem: (problem) => {
        if (problem.code === 'group.unknown_groups') this.groupProblem.set(problem);
        else this.saving.problem.set(problem);
      },
    });
  }

  private show(r: OperatorRestrictionsResponse): void {
    // An unrestricted operator answers allowGlobal true; once restricted, sending to every site is opt-in.
    this.form.setValue({ restricted: r.restricted, allowGlobal: r.restricted ? r.allowGlobal : false });
    this.chosen.set(new Set(r.groups));
  }
}
