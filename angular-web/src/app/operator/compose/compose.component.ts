import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, FormBuilder, FormControl, ValidationErrors } from '@angular/forms';
import { MatAutocompleteModule } from '@angular/material/autocomplete';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import {
  fillTemplate,
  isTemplate,
  MESSAGE_TEXT_MAX,
  PRIORITIES,
  repliesProblem,
  templateDate,
  type ScheduledMessageResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type TargetKind,
} from '@avisa/contracts';
import { Observable, catchError, map, of } from 'rxjs';
import { apiAction, apiResource } from '../../core/api-resource';
import { type ApiProblem, fieldProblems } from '../../core/api-error';
import { LiveService } from '../../core/live.service';
import { OperatorApi } from '../shared/operator.api';
import { touchedErrorState } from '../shared/touched-error-state';
import { ComposeDraftStore, emptyDraft, TTL_PRESETS, type ComposeDraft } from './compose-draft.store';
import { ScheduledListComponent } from './scheduled-list.component';
import { sendAtErrorState, sendAtForm, sendAtIso, suggestedSendAt } from './send-later';
import { AttachPickerComponent } from '../../files/attach-picker.component';
import { QuickRepliesComponent } from './quick-replies.component';
import { SCREEN_KIT, FORM_KIT, DATE_KIT } from '../../core/ui/kit';

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
    AttachPickerComponent,
    SCREEN_KIT,
    FORM_KIT,
    DATE_KIT,
    RouterLink,
    MatAutocompleteModule,
    MatButtonToggleModule,
    MatCardModule,
    MatCheckboxModule,
    MatSelectModule,
    QuickRepliesComponent,
    ScheduledListComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './compose.component.html',
  styleUrl: './compose.component.scss',
})
export class ComposeComponent {
  private readonly api = inject(OperatorApi);
  private readonly draftStore = inject(ComposeDraftStore);
  private readonly live = inject(LiveService);
  private readonly textArea = viewChild<ElementRef<HTMLTextAreaElement>>('textArea');
  private readonly scheduledList = viewChild(ScheduledListComponent);

  protected readonly max = MESSAGE_TEXT_MAX;
  protected readonly listMax = RESULT_LIST_MAX;
  protected readonly priorities = PRIORITIES;
  protected readonly ttlPresets = TTL_PRESETS;
  protected readonly errorState = touchedErrorState;
  protected readonly sendAtErrorState = sendAtErrorState;
  /** Until the text box had the focus its caret is meaningless: a phrase is then appended. */
  protected cursorKnown = false;

  private readonly initial = this.draftStore.draft();
  protected readonly form = inject(FormBuilder).nonNullable.group({
    kind: [this.initial.kind],
    name: [this.initial.name, nameValidator],
    text: [this.initial.text, textValidator],
    priority: [this.initial.priority],
    ttlSeconds: [this.initial.ttlSeconds],
    replies: new FormControl<string[]>(this.initial.replies, {
      nonNullable: true,
      validators: (control) => (repliesProblem(control.value as string[]) ? { replies: true } : null),
    }),
  });
  private readonly value = toSignal(this.form.valueChanges.pipe(map(() => this.form.getRawValue())), {
    initialValue: this.form.getRawValue(),
  });
  protected readonly kind = computed(() => this.value().kind);
  protected readonly priority = computed(() => this.value().priority);
  protected readonly ttlSeconds = computed(() => this.value().ttlSeconds);
  protected readonly replies = computed(() => this.value().replies);
  protected readonly length = computed(() => textLength(this.value().text));
  protected readonly overLimit = computed(() => this.length() > MESSAGE_TEXT_MAX);

  // The pickers are a help, not the point: a list that cannot be read is shown empty.
  protected readonly receiverList = apiResource(() => orEmpty(this.api.receivers()), {
    initial: [],
    reloadOn: this.live.resynced$,
  });
  protected readonly receivers = this.receiverList.value;
  protected readonly groups = apiResource(() => orEmpty(this.api.groups()), {
    initial: [],
    reloadOn: this.live.resynced$,
  }).value;
  protected readonly phrases = apiResource(() => orEmpty(this.api.phrases()), {
    initial: [],
    reloadOn: this.live.resynced$,
  }).value;
  protected readonly sending = apiAction();
  protected readonly result = signal<SentResult | null>(null);
  /** The last alert scheduled from here, shown instead of a send's result. */
  protected readonly scheduledResult = signal<ScheduledMessageResponse | null>(null);

  /** Send later: off by default; the day and time are in the browser's zone, sent as an ISO date-time. */
  protected readonly sendLater = new FormControl(false, { nonNullable: true });
  protected readonly sendAt = sendAtForm(suggestedSendAt(), () => this.sendLater.value);
  protected readonly later = toSignal(this.sendLater.valueChanges, { initialValue: false });
  protected readonly sendAtProblems = computed(() => fieldProblems(this.sending.problem(), 'sendAt'));

  /** A text with {sitio} or {fecha}: how one site (the chosen one, else any) will read it. */
  protected readonly templatePreview = computed(() => {
    const { text, name } = this.value();
    if (!isTemplate(text)) return null;
    const chosen = this.kind() === 'receiver' ? name.trim() : null;
    const site = this.receivers().find((r) => r.enabled && (chosen === null || r.name === chosen));
    if (!site) return { site: null, text: '' };
    const siteName = site.displayName || site.name;
    return { site: siteName, text: fillTemplate(text.trim(), { site: siteName, date: templateDate(Date.now()) }) };
  });

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
        .filter((g) => g.name.includes(term) || g.displayName.toLowerCase().includes(term))
        .slice(0, 50)
        .map((g) => ({ name: g.name, displayName: g.displayName, online: null, members: g.members.length }));
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
    const p = this.sending.problem();
    const fields = fieldProblems(p, 'target');
    return fields.length || !p ? fields : [p.detail];
  });
  /** A refused site or group is said once, under the name field, not again below the form. */
  private readonly refusedOnName = signal(false);
  protected readonly formProblem = computed(() => (this.refusedOnName() ? null : this.sending.problem()));
  protected readonly textProblems = computed(() => fieldProblems(this.sending.problem(), 'text'));
  protected readonly priorityProblems = computed(() => fieldProblems(this.sending.problem(), 'priority'));
  protected readonly ttlProblems = computed(() => fieldProblems(this.sending.problem(), 'ttlSeconds'));
  protected readonly repliesProblems = computed(() => fieldProblems(this.sending.problem(), 'replies'));
  /** Shared files to send with the alert (ids of clean or released files). */
  protected readonly attachments = signal<string[]>([]);
  protected readonly attachmentProblems = computed(() => fieldProblems(this.sending.problem(), 'attachments'));

  constructor() {
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.draftStore.save(this.form.getRawValue()));
    this.form.controls.kind.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
      this.form.controls.name.setValue('');
      this.form.controls.name.markAsUntouched();
    });
    this.live.presence$
      .pipe(takeUntilDestroyed())
      .subscribe((p) =>
        this.receivers.update((list) => list.map((r) => (r.name === p.name ? { ...r, online: p.online } : r))),
      );
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
    if (this.sending.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.sendAt.updateValueAndValidity();
    if (this.sendLater.value && this.sendAt.invalid) {
      this.sendAt.markAllAsTouched();
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
      ...(draft.replies.length ? { replies: draft.replies } : {}),
      ...(this.attachments().length ? { attachments: this.attachments() } : {}),
    };
    const sendAt = this.sendLater.value ? sendAtIso(this.sendAt.getRawValue()) : null;
    const problem = (p: ApiProblem) => {
      // The panel of the previous send must not read as this one's answer.
      this.result.set(null);
      this.scheduledResult.set(null);
      this.showProblem(p, draft.kind);
    };
    if (sendAt) {
      this.sending.run(this.api.schedule({ ...request, sendAt }), {
        next: (scheduled) => {
          this.result.set(null);
          this.scheduledResult.set(scheduled);
          this.afterSend();
          this.sendLater.setValue(false);
          this.sendAt.setValue(suggestedSendAt());
          this.scheduledList()?.reload();
        },
        problem,
      });
      return;
    }
    this.sending.run(this.api.send(request), {
      next: (response) => {
        this.scheduledResult.set(null);
        this.result.set({ response, target });
        this.afterSend();
      },
      problem,
    });
  }

  /** The next alert starts clean: no text, replies or files, and the default priority and validity. */
  private afterSend(): void {
    const { priority, ttlSeconds } = emptyDraft();
    this.form.controls.text.reset('');
    this.form.controls.replies.setValue([]);
    this.form.controls.priority.setValue(priority);
    this.form.controls.ttlSeconds.setValue(ttlSeconds);
    this.attachments.set([]);
    this.draftStore.clearText();
  }

  private showProblem(problem: ApiProblem, kind: TargetKind): void {
    this.sending.problem.set(problem);
    const flag = (control: AbstractControl, on: boolean) => {
      if (!on) return;
      control.setErrors({ ...control.errors, server: true });
      control.markAsTouched();
    };
    const targetRefused =
      kind !== 'all' && [403, 404, 409].includes(problem.status) && !Object.keys(problem.fields).length;
    this.refusedOnName.set(targetRefused);
    flag(this.form.controls.name, kind !== 'all' && (fieldProblems(problem, 'target').length > 0 || targetRefused));
    flag(this.form.controls.text, this.textProblems().length > 0);
    flag(this.form.controls.priority, this.priorityProblems().length > 0);
    flag(this.form.controls.ttlSeconds, this.ttlProblems().length > 0);
    flag(this.sendAt, this.sendAtProblems().length > 0);
  }

  /** Suggestions and phrases only help: if they cannot be loaded, the form works without them. */
}

function orEmpty<T>(list: Observable<T[]>): Observable<T[]> {
  return list.pipe(catchError(() => of<T[]>([])));
}
