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
import { AbstractControl, FormControl, ReactiveFormsModule, ValidationErrors, ValidatorFn } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { MESSAGE_TEXT_MAX, PHRASES_MAX, phraseKey, type PhraseResponse } from '@avisa/contracts';
import { TranslocoPipe, TranslocoService } from '@jsverse/transloco';
import { Subject, catchError, concatMap, filter, finalize, map, of } from 'rxjs';
import { type ApiProblem, fieldProblems, toApiProblem } from '../../core/api-error';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { PhrasesApi } from './phrases.api';

/** A failure tied to one phrase's row. */
interface RowProblem {
  id: number;
  problem: ApiProblem;
}

type OrderResult = { list: PhraseResponse[] } | { error: unknown };

function phraseValidator(others: () => PhraseResponse[], exceptId: () => number | null): ValidatorFn {
  return (control: AbstractControl<string>): ValidationErrors | null => {
    const text = control.value.trim();
    if (!text) return { required: true };
    if (text.length > MESSAGE_TEXT_MAX) return { tooLong: true };
    const key = phraseKey(text);
    const except = exceptId();
    if (others().some((p) => p.id !== except && phraseKey(p.text) === key)) return { duplicate: true };
    return null;
  };
}

@Component({
  selector: 'av-phrases',
  imports: [
    ReactiveFormsModule,
    CdkDropList,
    CdkDrag,
    CdkDragHandle,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatIconModule,
    MatProgressBarModule,
    MatTooltipModule,
    TranslocoPipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.phrases' | transloco }}</h1>
      </header>
      <p class="av-muted intro">{{ 'quickPhrases.intro' | transloco }}</p>

      <form class="add" (submit)="add($event)" novalidate>
        <mat-form-field class="add-field">
          <mat-label>{{ 'quickPhrases.new' | transloco }}</mat-label>
          <input matInput [formControl]="newText" [maxlength]="max" autocomplete="off" data-testid="phrase-new" />
          <mat-hint align="end" data-testid="phrase-new-counter">{{ newLength() }} / {{ max }}</mat-hint>
          @if (newText.hasError('required')) {
            <mat-error>{{ 'quickPhrases.required' | transloco }}</mat-error>
          }
          @if (newText.hasError('tooLong')) {
            <mat-error>{{ 'quickPhrases.tooLong' | transloco: { max } }}</mat-error>
          }
          @if (newText.hasError('duplicate')) {
            <mat-error>{{ 'quickPhrases.duplicate' | transloco }}</mat-error>
          }
          @for (message of addFieldProblems(); track $index) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="adding() || full()" data-testid="phrase-add">
          <mat-icon>add</mat-icon>
          {{ 'quickPhrases.add' | transloco }}
        </button>
      </form>
      @if (full()) {
        <p class="av-muted" data-testid="phrases-full">{{ 'quickPhrases.full' | transloco: { max: maxPhrases } }}</p>
      }
      <av-api-error [problem]="addGeneralProblem()" />

      @if (loading()) {
        <mat-progress-bar mode="indeterminate" />
      }
      <av-api-error [problem]="listProblem()" />
      <av-api-error [problem]="orderProblem()" />

      @if (phrases(); as list) {
        @if (list.length === 0) {
          <p class="av-muted" data-testid="phrases-empty">{{ 'quickPhrases.empty' | transloco }}</p>
        } @else {
          <p class="av-muted hint">{{ 'quickPhrases.reorderHint' | transloco }}</p>
          <ol
            class="phrase-list"
            cdkDropList
            cdkDropListLockAxis="y"
            (cdkDropListDropped)="dropped($event)"
            [attr.aria-label]="'nav.phrases' | transloco"
          >
            @for (phrase of list; track phrase.id; let i = $index, first = $first, last = $last) {
              <li
                class="phrase"
                cdkDrag
                [cdkDragDisabled]="editingId() === phrase.id"
                data-testid="phrase-row"
                [attr.data-phrase-id]="phrase.id"
              >
                <div class="line">
                  <mat-icon class="handle" cdkDragHandle aria-hidden="true">drag_indicator</mat-icon>
                  <span class="position" aria-hidden="true">{{ i + 1 }}</span>
                  @if (editingId() === phrase.id) {
                    <mat-form-field class="edit-field">
                      <mat-label>{{ 'quickPhrases.editLabel' | transloco }}</mat-label>
                      <input
                        matInput
                        [formControl]="editText"
                        [maxlength]="max"
                        (keydown.enter)="saveEdit(phrase, $event)"
                        (keydown.escape)="cancelEdit(phrase, $event)"
                        data-testid="phrase-edit-input"
                      />
                      <mat-hint>{{ 'quickPhrases.editHint' | transloco }}</mat-hint>
                      <mat-hint align="end">{{ editLength() }} / {{ max }}</mat-hint>
                      @if (editText.hasError('required')) {
                        <mat-error>{{ 'quickPhrases.required' | transloco }}</mat-error>
                      }
                      @if (editText.hasError('tooLong')) {
                        <mat-error>{{ 'quickPhrases.tooLong' | transloco: { max } }}</mat-error>
                      }
                      @if (editText.hasError('duplicate')) {
                        <mat-error>{{ 'quickPhrases.duplicate' | transloco }}</mat-error>
                      }
                      @for (message of editFieldProblems(); track $index) {
                        <mat-error>{{ message }}</mat-error>
                      }
                    </mat-form-field>
                    <button
                      mat-icon-button
                      type="button"
                      (click)="saveEdit(phrase)"
                      [disabled]="saving()"
                      [attr.aria-label]="'common.save' | transloco"
                      [matTooltip]="'common.save' | transloco"
                      data-testid="phrase-save"
                    >
                      <mat-icon>check</mat-icon>
                    </button>
                    <button
                      mat-icon-button
                      type="button"
                      (click)="cancelEdit(phrase)"
                      [attr.aria-label]="'common.cancel' | transloco"
                      [matTooltip]="'common.cancel' | transloco"
                      data-testid="phrase-cancel"
                    >
                      <mat-icon>close</mat-icon>
                    </button>
                  } @else {
                    <span class="text" data-testid="phrase-text">{{ phrase.text }}</span>
                    <span class="buttons">
                      <button
                        mat-icon-button
                        type="button"
                        (click)="move(i, -1)"
                        [disabled]="first"
                        [attr.aria-label]="'quickPhrases.moveUp' | transloco: { text: short(phrase.text) }"
                        [matTooltip]="'quickPhrases.moveUpShort' | transloco"
                        data-testid="phrase-up"
                      >
                        <mat-icon>arrow_upward</mat-icon>
                      </button>
                      <button
                        mat-icon-button
                        type="button"
                        (click)="move(i, 1)"
                        [disabled]="last"
                        [attr.aria-label]="'quickPhrases.moveDown' | transloco: { text: short(phrase.text) }"
                        [matTooltip]="'quickPhrases.moveDownShort' | transloco"
                        data-testid="phrase-down"
                      >
                        <mat-icon>arrow_downward</mat-icon>
                      </button>
                      <button
                        mat-icon-button
                        type="button"
                        (click)="startEdit(phrase)"
                        [attr.aria-label]="'quickPhrases.edit' | transloco: { text: short(phrase.text) }"
                        [matTooltip]="'common.edit' | transloco"
                        data-testid="phrase-edit"
                      >
                        <mat-icon>edit</mat-icon>
                      </button>
                      <button
                        mat-icon-button
                        type="button"
                        (click)="remove(phrase)"
                        [attr.aria-label]="'quickPhrases.delete' | transloco: { text: short(phrase.text) }"
                        [matTooltip]="'common.delete' | transloco"
                        data-testid="phrase-delete"
                      >
                        <mat-icon>delete</mat-icon>
                      </button>
                    </span>
                  }
                </div>
                @if (rowProblem()?.id === phrase.id) {
                  <av-api-error [problem]="rowGeneralProblem()" />
                }
              </li>
            }
          </ol>
        }
      }
      <p class="cdk-visually-hidden" aria-live="polite" data-testid="phrases-announcer">{{ announcement() }}</p>
    </section>
  `,
  styles: `
    .intro {
      margin-top: 0;
    }
    .add {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 8px 12px;
    }
    .add-field {
      flex: 1 1 320px;
    }
    .add button {
      margin-top: 8px;
    }
    .hint {
      font: var(--mat-sys-body-small);
    }
    .phrase-list {
      list-style: none;
      margin: 0;
      padding: 0;
      max-width: 960px;
    }
    .phrase {
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      background: var(--mat-sys-surface);
    }
    .line {
      display: flex;
      align-items: center;
      gap: 8px;
      min-height: 48px;
    }
    .handle {
      cursor: grab;
      color: var(--mat-sys-on-surface-variant);
      flex: none;
    }
    .position {
      width: 2em;
      text-align: right;
      color: var(--mat-sys-on-surface-variant);
      font: var(--mat-sys-label-large);
      flex: none;
    }
    .text {
      flex: 1 1 auto;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    .buttons {
      display: flex;
      flex: none;
    }
    .edit-field {
      flex: 1 1 auto;
      margin-top: 4px;
    }
    .cdk-drag-preview {
      box-shadow: var(--mat-sys-level3);
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
    }
    .cdk-drag-placeholder {
      opacity: 0.4;
    }
    .cdk-drag-animating,
    .phrase-list.cdk-drop-list-dragging .phrase:not(.cdk-drag-placeholder) {
      transition: transform 200ms ease;
    }
  `,
})
export class PhrasesComponent {
  private readonly api = inject(PhrasesApi);
  private readonly dialog = inject(MatDialog);
  private readonly transloco = inject(TranslocoService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly max = MESSAGE_TEXT_MAX;
  protected readonly maxPhrases = PHRASES_MAX;
  protected readonly phrases = signal<PhraseResponse[] | null>(null);
  protected readonly loading = signal(false);
  protected readonly adding = signal(false);
  protected readonly saving = signal(false);
  protected readonly editingId = signal<number | null>(null);
  protected readonly listProblem = signal<ApiProblem | null>(null);
  protected readonly orderProblem = signal<ApiProblem | null>(null);
  protected readonly addProblem = signal<ApiProblem | null>(null);
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

  protected readonly addFieldProblems = computed(() => fieldProblems(this.addProblem(), 'text'));
  protected readonly addGeneralProblem = computed(() => {
    const p = this.addProblem();
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
          this.load();
        } else if (this.pendingOrders === 0) {
          this.phrases.set(result.list);
        }
      });
    this.load();
  }

  protected short(text: string): string {
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  }

  protected add(event: Event): void {
    event.preventDefault();
    this.newText.markAsTouched();
    this.newText.updateValueAndValidity();
    if (this.newText.invalid || this.adding()) return;
    this.addProblem.set(null);
    this.adding.set(true);
    this.api
      .create(this.newText.value.trim())
      .pipe(finalize(() => this.adding.set(false)))
      .subscribe({
        next: (list) => {
          this.phrases.set(list);
          this.newText.reset();
          this.announce('quickPhrases.added');
        },
        error: (error: unknown) => {
          this.addProblem.set(toApiProblem(error));
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
    confirmAction(this.dialog, {
      titleKey: 'quickPhrases.deleteTitle',
      messageKey: 'quickPhrases.deleteMessage',
      params: { text: this.short(phrase.text) },
      confirmKey: 'common.delete',
      danger: true,
    })
      .pipe(filter(Boolean))
      .subscribe(() => {
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

  private load(): void {
    this.loading.set(true);
    this.api
      .list()
      .pipe(finalize(() => this.loading.set(false)))
      .subscribe({
        next: (list) => {
          this.phrases.set(list);
          this.listProblem.set(null);
        },
        error: (error: unknown) => this.listProblem.set(toApiProblem(error)),
      });
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
