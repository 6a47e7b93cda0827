import { HttpErrorResponse } from '@angular/common/http';
import { provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject, of, throwError } from 'rxjs';
import { vi } from 'vitest';
import { apiAction, apiResource, rowActions, textCheck } from './api-resource';

const forbidden = () => new HttpErrorResponse({ status: 403, error: { message: 'admins only' } });

function inContext<T>(build: () => T): T {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
  return TestBed.runInInjectionContext(build);
}

describe('apiResource', () => {
  it('loads at once, keeps the last value through a failed reload and says why', () => {
    const answers = [of(['a']), throwError(forbidden)];
    const list = inContext(() => apiResource(() => answers.shift()!, { initial: [] as string[] }));
    expect(list.value()).toEqual(['a']);
    list.reload();
    expect(list.value()).toEqual(['a']);
    expect(list.problem()?.status).toBe(403);
    expect(list.problem()?.detail).toBe('admins only');
    expect(list.loading()).toBe(false);
  });

  it('lets the latest load win and reloads when told to', () => {
    const first = new Subject<string>();
    const second = new Subject<string>();
    const reloadOn = new Subject<void>();
    const loads = [first, second];
    const page = inContext(() => apiResource(() => loads.shift()!, { initial: '', reloadOn }));
    reloadOn.next();
    first.next('old');
    expect(page.value()).toBe('');
    expect(page.loading()).toBe(true);
    second.next('new');
    second.complete();
    expect(page.value()).toBe('new');
    expect(page.loading()).toBe(false);
  });

  it('waits for the first reload when lazy', () => {
    const load = vi.fn(() => of(1));
    const one = inContext(() => apiResource(load, { initial: 0, lazy: true }));
    expect(load).not.toHaveBeenCalled();
    one.reload();
    expect(one.value()).toBe(1);
  });
});

describe('apiAction and rowActions', () => {
  it('is busy while a request runs and hands a failure to the handler when there is one', () => {
    const answer = new Subject<number>();
    const action = inContext(() => apiAction());
    const next = vi.fn();
    action.run(answer, { next });
    expect(action.busy()).toBe(true);
    answer.next(7);
    answer.complete();
    expect(next).toHaveBeenCalledWith(7);
    expect(action.busy()).toBe(false);

    const handled = vi.fn();
    action.run(throwError(forbidden), { problem: handled });
    expect(handled).toHaveBeenCalledWith(expect.objectContaining({ status: 403 }));
    expect(action.problem()).toBeNull();
    action.run(throwError(forbidden));
    expect(action.problem()?.status).toBe(403);
  });

  it('keeps a row busy while two of its requests overlap, and its failure on that row only', () => {
    const lookUp = new Subject<void>();
    const rows = inContext(() => rowActions<number>());
    rows.run(1, lookUp, { next: () => rows.run(1, throwError(forbidden)) });
    lookUp.next();
    expect(rows.problemFor(1)?.status).toBe(403);
    expect(rows.isBusy(1)).toBe(true);
    lookUp.complete();
    expect(rows.isBusy(1)).toBe(false);
    expect(rows.problemFor(2)).toBeNull();
  });
});

describe('textCheck', () => {
  it('asks about a text a moment after it stops changing, never about a blank one', async () => {
    const text = signal('');
    const check = vi.fn((t: string) => of(t.length));
    const checked = inContext(() => textCheck(text, check));
    text.set('ab');
    TestBed.tick();
    expect(checked.pending()).toBe(true);
    await vi.waitFor(() => expect(checked.current()?.value).toBe(2));
    expect(checked.pending()).toBe(false);
    text.set('  ');
    TestBed.tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(check).toHaveBeenCalledTimes(1);
    expect(checked.pending()).toBe(false);
  });
});
