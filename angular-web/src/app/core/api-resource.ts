import { DestroyRef, type Signal, type WritableSignal, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { type Observable, Subject, catchError, debounceTime, finalize, map, of, switchMap, tap } from 'rxjs';
import { type ApiProblem, toApiProblem } from './api-error';

/** Something a screen loads from the API: the last value, whether a load runs, and its problem in plain words. */
export interface ApiResource<T> {
  /** The last value loaded; kept while reloading and after a failed reload. Writable for local edits. */
  readonly value: WritableSignal<T>;
  readonly loading: Signal<boolean>;
  readonly problem: Signal<ApiProblem | null>;
  reload(): void;
}

export interface ApiResourceOptions<T> {
  initial: T;
  /** Loads again whenever this emits (e.g. the live socket's `resynced$`). */
  reloadOn?: Observable<unknown>;
  /** Waits for the first `reload()` (e.g. until a required input is set) instead of loading at once. */
  lazy?: boolean;
}

/**
 * Loads at once (unless `lazy`) and on `reload()`; call it in an injection context. Not Angular's `rxResource`: that one
 * holds a pending task while loading, so `whenStable()` would wait for the server's answer, and specs that answer
 * with HttpTestingController after `whenStable()` could never answer.
 */
export function apiResource<T>(load: () => Observable<T>, options: ApiResourceOptions<T>): ApiResource<T> {
  const destroyRef = inject(DestroyRef);
  const value = signal(options.initial);
  const loading = signal(false);
  const problem = signal<ApiProblem | null>(null);
  const loads = new Subject<void>();
  // The latest load wins: one still on its way when another starts is dropped (its finalize runs first).
  loads
    .pipe(
      switchMap(() => {
        loading.set(true);
        problem.set(null);
        return load().pipe(
          tap((loaded) => value.set(loaded)),
          catchError((error: unknown) => {
            problem.set(toApiProblem(error));
            return of(null);
          }),
          finalize(() => loading.set(false)),
        );
      }),
      takeUntilDestroyed(destroyRef),
    )
    .subscribe();
  const reload = () => loads.next();
  options.reloadOn?.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => reload());
  if (!options.lazy) reload();
  return { value, loading: loading.asReadonly(), problem: problem.asReadonly(), reload };
}

/** What to do with an answer; `problem` replaces showing the failure (e.g. to show a report it carries). */
export interface ActionHandlers<T> {
  next?: (value: T) => void;
  problem?: (problem: ApiProblem) => void;
}

/** One request at a time from a form, dialog or toolbar: busy while it runs, its failure in plain words. */
export function apiAction() {
  const destroyRef = inject(DestroyRef);
  const busy = signal(false);
  const problem = signal<ApiProblem | null>(null);
  return {
    busy: busy.asReadonly(),
    problem,
    run<T>(request: Observable<T>, handlers: ActionHandlers<T> = {}): void {
      problem.set(null);
      busy.set(true);
      settle(request, destroyRef, handlers, {
        done: () => busy.set(false),
        failed: (failure) => problem.set(failure),
      });
    },
  };
}

/** Requests about the rows of a table (delete, revoke, disable): which rows are busy, each row's last failure. */
export function rowActions<K>() {
  const destroyRef = inject(DestroyRef);
  /** Requests in flight per row: a confirmation's look-up and the change it leads to may overlap. */
  const busy = signal<ReadonlyMap<K, number>>(new Map());
  const problems = signal<ReadonlyMap<K, ApiProblem>>(new Map());
  const setProblem = (key: K, problem: ApiProblem | null) => {
    const next = new Map(problems());
    if (problem) next.set(key, problem);
    else next.delete(key);
    problems.set(next);
  };
  const mark = (key: K, delta: 1 | -1) => {
    const next = new Map(busy());
    const count = (next.get(key) ?? 0) + delta;
    if (count > 0) next.set(key, count);
    else next.delete(key);
    busy.set(next);
  };
  return {
    isBusy: (key: K) => (busy().get(key) ?? 0) > 0,
    problemFor: (key: K) => problems().get(key) ?? null,
    setProblem,
    /** Marks the row busy until `request` settles; a failure is shown on the row unless `handlers.problem` takes it. */
    run<T>(key: K, request: Observable<T>, handlers: ActionHandlers<T> = {}): void {
      setProblem(key, null);
      mark(key, 1);
      settle(request, destroyRef, handlers, {
        done: () => mark(key, -1),
        failed: (problem) => setProblem(key, problem),
      });
    },
  };
}

export type RowActions<K> = ReturnType<typeof rowActions<K>>;

/** The server's verdict on one text: its answer, or the failure of asking. */
export interface TextCheck<R> {
  text: string;
  value: R | null;
  problem: ApiProblem | null;
}

const TEXT_CHECK_DEBOUNCE_MS = 250;

/**
 * Asks the server about a text as it changes (a dry run), a moment after typing stops; a blank text is not sent.
 * `pending` is true until the answer for the current text is in.
 */
export function textCheck<R>(text: Signal<string>, check: (text: string) => Observable<R>) {
  const result = signal<TextCheck<R> | null>(null);
  toObservable(text)
    .pipe(
      debounceTime(TEXT_CHECK_DEBOUNCE_MS),
      switchMap((current) =>
        current.trim()
          ? check(current).pipe(
              map((value): TextCheck<R> => ({ text: current, value, problem: null })),
              catchError((error: unknown) => of({ text: current, value: null, problem: toApiProblem(error) })),
            )
          : of(null),
      ),
      takeUntilDestroyed(),
    )
    .subscribe((checked) => result.set(checked));
  const current = computed(() => {
    const checked = result();
    return checked?.text === text() ? checked : null;
  });
  return {
    /** The answer for the text as it is now, or null while asking (or when blank). */
    current,
    pending: computed(() => text().trim() !== '' && current() === null),
  };
}

/**
 * Runs a button's or a row's request while the screen lives: `done` once it settles either way; a failure goes to
 * `handlers.problem` when the caller takes it, otherwise to `failed`.
 */
function settle<T>(
  request: Observable<T>,
  destroyRef: DestroyRef,
  handlers: ActionHandlers<T>,
  on: { done: () => void; failed: (problem: ApiProblem) => void },
): void {
  request.pipe(finalize(on.done), takeUntilDestroyed(destroyRef)).subscribe({
    next: (value) => handlers.next?.(value),
    error: (error: unknown) => {
      const problem = toApiProblem(error);
      if (handlers.problem) handlers.problem(problem);
      else on.failed(problem);
    },
  });
}
