import { CdkDrag, CdkDragDrop, CdkDragHandle, CdkDropList, moveItemInArray } from '@angular/cdk/drag-drop';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl } from '@angular/forms';
import { MatDialog } from '@angular/material/dialog';
import { MESSAGE_TEXT_MAX, PHRASES_MAX, type PhraseResponse } from '@avisa/contracts';
import { TranslocoService } from '@jsverse/transloco';
import { Subject, catchError, concatMap, finalize, map, of } from 'rxjs';
import { type ApiProblem, fieldProblems, toApiProblem } from '../../core/api-error';
import { confirmThen } from '../../core/ui/confirm-dialog.component';
import { apiAction, apiResource } from '../../core/api-resource';
import { phraseFieldErrors, phraseValidator } from './phrase-field';
import { PhrasesApi } from './phrases.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { type RowAction, RowActionsComponent } from '../../core/ui/row-actions.component';

/** A failure tied to one phrase's row. */
interface RowProblem {
  id: number;
  problem: ApiProblem;
}

type OrderResult = { list: PhraseResponse[] } | { error: unknown };

@Component({
  selector: 'av-phrases',
  imports: [SCREEN_KIT, FORM_KIT, CdkDropList, CdkDrag, CdkDragHandle, RowActionsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './phrases.component.html',
  styleUrl: './phrases.component.scss',
})
export class PhrasesComponent {
  private readonly api = inject(PhrasesApi);
  private readonly dialog = inject(MatDialog);
  private readonly transloco = inject(TranslocoService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly max = MESSAGE_TEXT_MAX;
  protected readonly errorsOf = phraseFieldErrors;
  protected readonly maxPhrases = PHRASES_MAX;
  protected readonly list = apiResource<PhraseResponse[] | null>(() => this.api.list(), { initial: null });
  protected readonly phrases = this.list.value;
  protected readonly adding = apiAction();
  protected readonly saving = signal(false);
  protected readonly editingId = signal<number | null>(null);
  protected readonly orderProblem = signal<ApiProblem | null>(null);
  protected readonly rowProblem = signal<RowProblem | null>(null);
  protected readonly announcement = signal('');

  private readonly all = () => this.phrases() ?? [];
  protected readonly newText = new FormControl('', {
    nonNullable: true,
    validators: phraseValidator(this.all, () => null),
  });
  protected readonly editText = new FormControl('', {
    nonNullable: true,
    validators: phraseValidator(this.all, () => this.editingId()),
  });

  private readonly newValue = toSignal(this.newText.valueChanges, { initialValue: '' });
  private readonly editValue = toSignal(this.editText.valueChanges, { initialValue: '' });
  protected readonly newLength = computed(() => this.newValue().length);
  protected readonly editLength = computed(() => this.editValue().length);
  protected readonly full = computed(() => this.all().length >= PHRASES_MAX);

  protected readonly addFieldProblems = computed(() => fieldProblems(this.adding.problem(), 'text'));
  protected readonly addGeneralProblem = computed(() => {
    const p = this.adding.problem();
    return p && !fieldProblems(p, 'text').length ? p : null;
  });
  protected readonly editFieldProblems = computed(() => fieldProblems(this.rowProblem()?.problem ?? null, 'text'));
  protected readonly rowGeneralProblem = computed(() => {
    const p = this.rowProblem()?.problem ?? null;
    return p && !fieldProblems(p, 'text').length ? p : null;
  });

  /** Moves go out one after another, so quick successive moves reach the server in the order they were made. */
  private readonly orders = new Subject<number[]>();
  private pendingOrders = 0;

  constructor() {
    this.orders
      .pipe(
        concatMap((ids) =>
          this.api.reorder(ids).pipe(
            map((list): OrderResult => ({ list })),
            catchError((error: unknown) => of<OrderResult>({ error })),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((result) => {
        this.pendingOrders--;
        if ('error' in result) {
          this.orderProblem.set(toApiProblem(result.error));
          this.list.reload();
        } else if (this.pendingOrders === 0) {
          this.phrases.set(result.list);
        }
      });
  }

  /** The buttons of the phrase being edited. */
  protected editActionsFor(phrase: PhraseResponse): RowAction[] {
    return [
      {
        icon: 'check',
        labelKey: 'common.save',
        testId: 'phrase-save',
        disabled: this.saving(),
        run: () => this.saveEdit(phrase),
      },
      { icon: 'close', labelKey: 'common.cancel', testId: 'phrase-cancel', run: () => this.cancelEdit(phrase) },
    ];
  }

  protected actionsFor(phrase: PhraseResponse, index: number, first: boolean, last: boolean): RowAction[] {
    const params = { text: this.short(phrase.text) };
    return [
      {
        icon: 'arrow_upward',
        labelKey: 'quickPhrases.moveUp',
        tooltipKey: 'quickPhrases.moveUpShort',
        params,
        testId: 'phrase-up',
        run: () => this.move(index, -1),
        disabled: first,
      },
      {
        icon: 'arrow_downward',
        labelKey: 'quickPhrases.moveDown',
        tooltipKey: 'quickPhrases.moveDownShort',
        params,
        testId: 'phrase-down',
        run: () => this.move(index, 1),
        disabled: last,
      },
      {
        icon: 'edit',
        labelKey: 'quickPhrases.edit',
        tooltipKey: 'common.edit',
        params,
        testId: 'phrase-edit',
        run: () => this.startEdit(phrase),
      },
      {
        icon: 'delete',
        labelKey: 'quickPhrases.delete',
        tooltipKey: 'common.delete',
        params,
        testId: 'phrase-delete',
        run: () => this.remove(phrase),
      },
    ];
  }

  protected short(text: string): string {
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }

  protected add(event: Event): void {
    event.preventDefault();
    this.newText.markAsTouched();
    this.newText.updateValueAndValidity();
    if (this.newText.invalid || this.adding.busy()) return;
    this.adding.run(this.api.create(this.newText.value.trim()), {
      next: (list) => {
        this.phrases.set(list);
        this.newText.reset();
        this.announce('quickPhrases.added');
      },
      problem: (problem) => {
        this.adding.problem.set(problem);
        this.newText.setErrors({ server: true });
      },
    });
  }

  protected startEdit(phrase: PhraseResponse): void {
    this.rowProblem.set(null);
    this.editingId.set(phrase.id);
    this.editText.reset(phrase.text);
    this.focusLater(phrase.id, '[data-testid="phrase-edit-input"]');
  }

  protected cancelEdit(phrase: PhraseResponse, event?: Event): void {
    event?.preventDefault();
    this.editingId.set(null);
    this.rowProblem.set(null);
    this.focusLater(phrase.id, '[data-testid="phrase-edit"]');
  }

  protected saveEdit(phrase: PhraseResponse, event?: Event): void {
    event?.preventDefault();
    this.editText.markAsTouched();
    this.editText.updateValueAndValidity();
    if (this.editText.invalid || this.saving()) return;
    const text = this.editText.value.trim();
    if (text === phrase.text) {
      this.cancelEdit(phrase);
      return;
    }
    this.rowProblem.set(null);
    this.saving.set(true);
    this.api
      .update(phrase.id, text)
      .pipe(finalize(() => this.saving.set(false)))
      .subscribe({
        next: (list) => {
          this.phrases.set(list);
          this.editingId.set(null);
          this.focusLater(phrase.id, '[data-testid="phrase-edit"]');
        },
        error: (error: unknown) => {
          const problem = toApiProblem(error);
          this.rowProblem.set({ id: phrase.id, problem });
          if (fieldProblems(problem, 'text').length) this.editText.setErrors({ server: true });
        },
      });
  }

  protected remove(phrase: PhraseResponse): void {
    const data = {
      titleKey: 'quickPhrases.deleteTitle',
      messageKey: 'quickPhrases.deleteMessage',
      params: { text: this.short(phrase.text) },
      confirmKey: 'common.delete',
      danger: true,
    };
    confirmThen(this.dialog, data, () => {
      this.rowProblem.set(null);
      this.api.delete(phrase.id).subscribe({
        next: () => {
          this.phrases.update((list) => list?.filter((p) => p.id !== phrase.id) ?? null);
          this.announce('quickPhrases.deleted');
        },
        error: (error: unknown) => this.rowProblem.set({ id: phrase.id, problem: toApiProblem(error) }),
      });
    });
  }

  protected move(index: number, delta: -1 | 1): void {
    const target = index + delta;
    if (!this.reorder(index, target)) return;
    const moved = this.all()[target];
    const next =
      delta < 0
        ? target === 0
          ? 'phrase-down'
          : 'phrase-up'
        : target === this.all().length - 1
          ? 'phrase-up'
          : 'phrase-down';
    this.focusLater(moved.id, `[data-testid="${next}"]`);
  }

  protected dropped(event: CdkDragDrop<unknown>): void {
    this.reorder(event.previousIndex, event.currentIndex);
  }

  private reorder(from: number, to: number): boolean {
    const list = [...this.all()];
    if (from === to || to < 0 || to >= list.length) return false;
    moveItemInArray(list, from, to);
    this.phrases.set(list);
    this.orderProblem.set(null);
    this.announce('quickPhrases.moved', { text: this.short(list[to].text), position: to + 1, total: list.length });
    this.pendingOrders++;
    this.orders.next(list.map((p) => p.id));
    return true;
  }

  private announce(key: string, params?: Record<string, unknown>): void {
    this.announcement.set(this.transloco.translate(key, params));
  }

  private focusLater(id: number, selector: string): void {
    afterNextRender(
      () => {
        const row = this.host.nativeElement.querySelector(`[data-phrase-id="${id}"]`);
        row?.querySelector<HTMLElement>(selector)?.focus();
      },
      { injector: this.injector },
    );
  }
}
