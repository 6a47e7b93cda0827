import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  inject,
  signal,
  viewChild,
  type WritableSignal,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, FormBuilder, ReactiveFormsModule, ValidationErrors } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import {
  MESSAGE_TEXT_MAX,
  PRIORITIES,
  type GroupResponse,
  type PhraseResponse,
  type ReceiverResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type TargetKind,
} from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { Observable, catchError, finalize, map, of } from 'rxjs';
import { type ApiProblem, fieldProblems, toApiProblem } from '../../core/api-error';
import { LiveService } from '../../core/live.service';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { OperatorApi } from '../shared/operator.api';
import { touchedErrorState } from '../shared/touched-error-state';
import { ComposeDraftStore, type ComposeDraft } from './compose-draft.store';

/** Validity presets; 0 = only the sites online now get it. */
const TTL_PRESETS = [0, 3_600, 14_400, 86_400, 259_200, 604_800] as const;

/** Names a site can hold; longer lists stay readable with a "and N more" line. */
const RESULT_LIST_MAX = 200;

interface TargetOption {
  name: string;
  displayName: string;
  online: boolean | null;
  members: number | null;
}

interface SentResult {
  response: SendMessageResponse;
  target: SendMessageRequest['target'];
}

/** Code points, as the server counts them: an emoji is one character. */
export function textLength(text: string): number {
  return [...text].length;
}

function textValidator(control: AbstractControl<string>): ValidationErrors | null {
  const text = control.value ?? '';
  if (!text.trim()) return { required: true };
  return textLength(text) > MESSAGE_TEXT_MAX ? { tooLong: true } : null;
}

function nameValidator(control: AbstractControl<string>): ValidationErrors | null {
  const kind = control.parent?.get('kind')?.value as TargetKind | undefined;
  if (!kind || kind === 'all') return null;
  const name = (control.value ?? '').trim();
  if (!name) return { required: true };
  return name.length > 128 ? { tooLong: true } : null;
}

@Component({
  selector: 'av-compose',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatAutocompleteModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    TranslocoPipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="av-page">
      <header class="av-page-header">
        <h1>{{ 'nav.compose' | transloco }}</h1>
      </header>
      <div class="layout">
        <form class="compose" [formGroup]="form" (submit)="$event.preventDefault()" data-testid="compose-form">
          <div class="target" role="group" [attr.aria-label]="'compose.target' | transloco">
            <span class="label">{{ 'compose.target' | transloco }}</span>
            <mat-button-toggle-group
              formControlName="kind"
              [attr.aria-label]="'compose.target' | transloco"
              hideSingleSelectionIndicator
            >
              <mat-button-toggle value="all" data-testid="target-all">
                <mat-icon>public</mat-icon> {{ 'compose.kinds.all' | transloco }}
              </mat-button-toggle>
              <mat-button-toggle value="receiver" data-testid="target-receiver">
                <mat-icon>computer</mat-icon> {{ 'compose.kinds.receiver' | transloco }}
              </mat-button-toggle>
              <mat-button-toggle value="group" data-testid="target-group">
                <mat-icon>groups</mat-icon> {{ 'compose.kinds.group' | transloco }}
              </mat-button-toggle>
            </mat-button-toggle-group>
          </div>

          @if (kind() === 'all') {
            <p class="av-muted summary" data-testid="compose-all-summary">
              {{ 'compose.allSummary' | transloco: allSummary() }}
            </p>
          } @else {
            <mat-form-field class="av-full-width">
              <mat-label>{{
                (kind() === 'receiver' ? 'compose.siteName' : 'compose.groupName') | transloco
              }}</mat-label>
              <input
                matInput
                formControlName="name"
                [matAutocomplete]="auto"
                [errorStateMatcher]="errorState"
                autocomplete="off"
                data-testid="compose-target-name"
              />
              <mat-autocomplete #auto="matAutocomplete">
                @for (option of options(); track option.name) {
                  <mat-option [value]="option.name" data-testid="target-option" [attr.data-name]="option.name">
                    @if (option.online !== null) {
                      <span class="dot" [class.online]="option.online" aria-hidden="true"></span>
                    }
                    <span>{{ option.name }}</span>
                    @if (option.displayName && option.displayName !== option.name) {
                      <span class="av-muted"> · {{ option.displayName }}</span>
                    }
                    @if (option.online !== null) {
                      <span class="cdk-visually-hidden"
                        >({{ (option.online ? 'siteList.online' : 'siteList.offline') | transloco }})</span
                      >
                    }
                    @if (option.members !== null) {
                      <span class="av-muted"> · {{ 'compose.members' | transloco: { count: option.members } }}</span>
                    }
                  </mat-option>
                }
              </mat-autocomplete>
              @if (form.controls.name.hasError('required')) {
                <mat-error>{{
                  (kind() === 'receiver' ? 'compose.siteRequired' : 'compose.groupRequired') | transloco
                }}</mat-error>
              } @else if (form.controls.name.hasError('tooLong')) {
                <mat-error>{{ 'compose.nameTooLong' | transloco }}</mat-error>
              } @else if (form.controls.name.hasError('server')) {
                @for (message of nameProblems(); track $index) {
                  <mat-error data-testid="compose-name-error">{{ message }}</mat-error>
                }
              }
            </mat-form-field>
          }

          @if (phrases().length) {
            <div class="phrases" role="group" [attr.aria-label]="'compose.phrases' | transloco">
              <span class="label">{{ 'compose.phrases' | transloco }}</span>
              @for (phrase of phrases(); track phrase.id) {
                <button
                  type="button"
                  mat-stroked-button
                  class="phrase"
                  [title]="'compose.insertPhrase' | transloco: { text: phrase.text }"
                  (click)="insertPhrase(phrase.text)"
                  data-testid="phrase-chip"
                >
                  {{ phrase.text }}
                </button>
              }
            </div>
          }

          <mat-form-field class="av-full-width text-field">
            <mat-label>{{ 'compose.text' | transloco }}</mat-label>
            <textarea
              #textArea
              matInput
              formControlName="text"
              rows="6"
              [errorStateMatcher]="errorState"
              (focus)="cursorKnown = true"
              (keydown.control.enter)="send($event)"
              (keydown.meta.enter)="send($event)"
              data-testid="compose-text"
            ></textarea>
            @if (form.controls.text.hasError('required')) {
              <mat-error>{{ 'compose.textRequired' | transloco }}</mat-error>
            } @else if (form.controls.text.hasError('server')) {
              @for (message of textProblems(); track $index) {
                <mat-error data-testid="compose-text-error">{{ message }}</mat-error>
              }
            }
          </mat-form-field>
          <div class="counter-row">
            <span class="av-muted">{{ 'compose.shortcut' | transloco }}</span>
            <span class="counter" [class.av-error]="overLimit()" data-testid="compose-counter" aria-live="polite">
              {{ length() }} / {{ max }}
            </span>
          </div>
          @if (overLimit()) {
            <p class="av-error" role="alert" data-testid="compose-too-long">
              {{ 'compose.tooLong' | transloco: { max: max, over: length() - max } }}
            </p>
          }

          <div class="options">
            <mat-form-field>
              <mat-label>{{ 'compose.priority' | transloco }}</mat-label>
              <mat-select formControlName="priority" [errorStateMatcher]="errorState" data-testid="compose-priority">
                @for (p of priorities; track p) {
                  <mat-option [value]="p" [attr.data-testid]="'priority-' + p">{{
                    'priorities.' + p | transloco
                  }}</mat-option>
                }
              </mat-select>
              @if (form.controls.priority.hasError('server')) {
                <mat-error>{{ priorityProblems().join(' ') }}</mat-error>
              } @else {
                <mat-hint>{{ 'compose.priorityHints.' + priority() | transloco }}</mat-hint>
              }
            </mat-form-field>
            <mat-form-field>
              <mat-label>{{ 'compose.ttl' | transloco }}</mat-label>
              <mat-select formControlName="ttlSeconds" [errorStateMatcher]="errorState" data-testid="compose-ttl">
                @for (seconds of ttlPresets; track seconds) {
                  <mat-option [value]="seconds" [attr.data-testid]="'ttl-' + seconds">{{
                    'compose.ttls.' + seconds | transloco
                  }}</mat-option>
                }
              </mat-select>
              @if (form.controls.ttlSeconds.hasError('server')) {
                <mat-error>{{ ttlProblems().join(' ') }}</mat-error>
              } @else {
                <mat-hint>{{
                  (ttlSeconds() === 0 ? 'compose.ttlOnlineOnly' : 'compose.ttlHint') | transloco
                }}</mat-hint>
              }
            </mat-form-field>
          </div>

          <av-api-error [problem]="problem()" />
          @if (busy()) {
            <mat-progress-bar mode="indeterminate" />
          }
          <div class="actions">
            <button
              type="button"
              mat-flat-button
              [disabled]="overLimit() || busy()"
              (click)="send()"
              data-testid="compose-send"
            >
              <mat-icon>send</mat-icon>
              {{ 'compose.send' | transloco }}
            </button>
          </div>
        </form>

        @if (result(); as r) {
          <mat-card class="result" appearance="outlined" role="status" data-testid="compose-result">
            <mat-card-header>
              <mat-card-title>{{ 'compose.result.title' | transloco }}</mat-card-title>
              <mat-card-subtitle>
                @if (r.target.kind === 'all') {
                  {{ 'targets.all' | transloco }}
                } @else {
                  {{ 'targets.' + r.target.kind | transloco: { name: r.target.name } }}
                }
              </mat-card-subtitle>
            </mat-card-header>
            <mat-card-content>
              @for (section of resultSections(); track section.key) {
                @if (section.names.length) {
                  <h3 [class]="'section ' + section.key">
                    {{ 'compose.result.' + section.key | transloco: { count: section.names.length } }}
                  </h3>
                  <ul [attr.data-testid]="'result-' + section.key">
                    @for (name of section.names.slice(0, listMax); track name) {
                      <li>{{ name }}</li>
                    }
                  </ul>
                  @if (section.names.length > listMax) {
                    <p class="av-muted">
                      {{ 'compose.result.more' | transloco: { count: section.names.length - listMax } }}
                    </p>
                  }
                }
              }
            </mat-card-content>
            <mat-card-actions>
              <a mat-button [routerLink]="['/operator/history', r.response.id]" data-testid="result-detail">
                <mat-icon>monitoring</mat-icon>
                {{ 'compose.result.follow' | transloco }}
              </a>
              <button mat-button type="button" (click)="result.set(null)" data-testid="result-close">
                {{ 'common.close' | transloco }}
              </button>
            </mat-card-actions>
          </mat-card>
        }
      </div>
    </section>
  `,
  styles: `
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(260px, 2fr);
      gap: 24px;
      align-items: start;
    }
    .layout:not(:has(.result)) {
      grid-template-columns: minmax(0, 1fr);
      max-width: 820px;
    }
    .compose {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .target {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 16px;
    }
    .label {
      font: var(--mat-sys-label-large);
      color: var(--mat-sys-on-surface-variant);
    }
    .summary {
      margin: 0;
    }
    .phrases {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .phrase {
      max-width: 100%;
    }
    .phrase ::ng-deep .mdc-button__label {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 28ch;
    }
    .counter-row {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      margin-top: -8px;
      font: var(--mat-sys-body-small);
    }
    .counter {
      font-variant-numeric: tabular-nums;
    }
    .counter.av-error {
      font-weight: 500;
    }
    .options {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px 16px;
    }
    .options mat-form-field {
      flex: 1 1 220px;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
    .dot {
      display: inline-block;
      width: 8px;
      height: 8px;
      border-radius: 50%;
      margin-right: 8px;
      background: var(--mat-sys-outline);
    }
    .dot.online {
      background: light-dark(#2e7d32, #81c784);
    }
    .result ul {
      margin: 4px 0 12px;
      padding-left: 20px;
      max-height: 240px;
      overflow: auto;
    }
    .result h3 {
      font: var(--mat-sys-title-small);
      margin: 12px 0 0;
    }
    .result h3.unknown,
    .result h3.dropped {
      color: var(--mat-sys-error);
    }
    p {
      margin: 0;
    }
    @media (max-width: 959.98px) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `,
})
export class ComposeComponent {
  private readonly api = inject(OperatorApi);
  private readonly draftStore = inject(ComposeDraftStore);
  private readonly live = inject(LiveService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly textArea = viewChild<ElementRef<HTMLTextAreaElement>>('textArea');

  protected readonly max = MESSAGE_TEXT_MAX;
  protected readonly listMax = RESULT_LIST_MAX;
  protected readonly priorities = PRIORITIES;
  protected readonly ttlPresets = TTL_PRESETS;
  protected readonly errorState = touchedErrorState;
  /** Until the text box had the focus its caret is meaningless: a phrase is then appended. */
  protected cursorKnown = false;

  private readonly initial = this.draftStore.draft();
  protected readonly form = inject(FormBuilder).nonNullable.group({
    kind: [this.initial.kind],
    name: [this.initial.name, nameValidator],
    text: [this.initial.text, textValidator],
    priority: [this.initial.priority],
    ttlSeconds: [this.initial.ttlSeconds],
  });
  private readonly value = toSignal(this.form.valueChanges.pipe(map(() => this.form.getRawValue())), {
    initialValue: this.form.getRawValue(),
  });
  protected readonly kind = computed(() => this.value().kind);
  protected readonly priority = computed(() => this.value().priority);
  protected readonly ttlSeconds = computed(() => this.value().ttlSeconds);
  protected readonly length = computed(() => textLength(this.value().text));
  protected readonly overLimit = computed(() => this.length() > MESSAGE_TEXT_MAX);

  protected readonly receivers = signal<ReceiverResponse[]>([]);
  protected readonly groups = signal<GroupResponse[]>([]);
  protected readonly phrases = signal<PhraseResponse[]>([]);
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly result = signal<SentResult | null>(null);

  protected readonly options = computed<TargetOption[]>(() => {
    const { kind, name } = this.value();
    const term = name.trim().toLowerCase();
    if (kind === 'receiver') {
      return this.receivers()
        .filter((r) => r.enabled && (r.name.includes(term) || r.displayName.toLowerCase().includes(term)))
        .slice(0, 50)
        .map((r) => ({ name: r.name, displayName: r.displayName, online: r.online, members: null }));
    }
    if (kind === 'group') {
      return this.groups()
        .filter((g) => g.name.toLowerCase().includes(term))
        .slice(0, 50)
        .map((g) => ({ name: g.name, displayName: '', online: null, members: g.members.length }));
    }
    return [];
  });

  protected readonly allSummary = computed(() => {
    const enabled = this.receivers().filter((r) => r.enabled);
    return { online: enabled.filter((r) => r.online).length, total: enabled.length };
  });

  protected readonly resultSections = computed(() => {
    const r = this.result()?.response;
    if (!r) return [];
    return [
      { key: 'online', names: r.online },
      { key: 'queued', names: r.queued },
      { key: 'dropped', names: r.dropped },
      { key: 'unknown', names: r.unknown },
    ];
  });

  protected readonly nameProblems = computed(() => {
    const p = this.problem();
    const fields = fieldProblems(p, 'target');
    return fields.length || !p ? fields : [p.detail];
  });
  protected readonly textProblems = computed(() => fieldProblems(this.problem(), 'text'));
  protected readonly priorityProblems = computed(() => fieldProblems(this.problem(), 'priority'));
  protected readonly ttlProblems = computed(() => fieldProblems(this.problem(), 'ttlSeconds'));

  constructor() {
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.draftStore.save(this.form.getRawValue()));
    this.form.controls.kind.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
      this.form.controls.name.setValue('');
      this.form.controls.name.markAsUntouched();
    });
    this.loadLists();
    this.live.presence$
      .pipe(takeUntilDestroyed())
      .subscribe((p) =>
        this.receivers.update((list) => list.map((r) => (r.name === p.name ? { ...r, online: p.online } : r))),
      );
    this.live.resynced$.pipe(takeUntilDestroyed()).subscribe(() => this.loadLists());
  }

  protected insertPhrase(phrase: string): void {
    const control = this.form.controls.text;
    const element = this.textArea()?.nativeElement;
    const text = control.value;
    const start = this.cursorKnown && element ? element.selectionStart : text.length;
    const end = this.cursorKnown && element ? element.selectionEnd : text.length;
    const before = text.slice(0, start);
    const after = text.slice(end);
    const lead = before && !/\s$/.test(before) ? ' ' : '';
    const trail = after && !/^\s/.test(after) ? ' ' : '';
    control.setValue(before + lead + phrase + trail + after);
    control.markAsDirty();
    if (element) {
      const caret = (before + lead + phrase).length;
      element.focus();
      element.setSelectionRange(caret, caret);
      this.cursorKnown = true;
    }
  }

  protected send(event?: Event): void {
    event?.preventDefault();
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const draft: ComposeDraft = this.form.getRawValue();
    const target: SendMessageRequest['target'] =
      draft.kind === 'all' ? { kind: 'all' } : { kind: draft.kind, name: draft.name.trim() };
    const request: SendMessageRequest = {
      target,
      text: draft.text.trim(),
      priority: draft.priority,
      ttlSeconds: draft.ttlSeconds,
    };
    this.busy.set(true);
    this.problem.set(null);
    this.api
      .send(request)
      .pipe(
        finalize(() => this.busy.set(false)),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (response) => {
          this.result.set({ response, target });
          this.form.controls.text.reset('');
          this.draftStore.clearText();
        },
        error: (error: unknown) => this.showProblem(toApiProblem(error), draft.kind),
      });
  }

  private showProblem(problem: ApiProblem, kind: TargetKind): void {
    this.problem.set(problem);
    const flag = (control: AbstractControl, on: boolean) => {
      if (!on) return;
      control.setErrors({ ...control.errors, server: true });
      control.markAsTouched();
    };
    const targetRefused =
      kind !== 'all' && [403, 404, 409].includes(problem.status) && !Object.keys(problem.fields).length;
    flag(this.form.controls.name, kind !== 'all' && (fieldProblems(problem, 'target').length > 0 || targetRefused));
    flag(this.form.controls.text, this.textProblems().length > 0);
    flag(this.form.controls.priority, this.priorityProblems().length > 0);
    flag(this.form.controls.ttlSeconds, this.ttlProblems().length > 0);
  }

  private loadLists(): void {
    this.loadInto(this.api.receivers(), this.receivers);
    this.loadInto(this.api.groups(), this.groups);
    this.loadInto(this.api.phrases(), this.phrases);
  }

  /** Suggestions and phrases only help: if they cannot be loaded, the form works without them. */
  private loadInto<T>(source: Observable<T[]>, target: WritableSignal<T[]>): void {
    source
      .pipe(
        catchError(() => of<T[]>([])),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((list) => target.set(list));
  }
}
