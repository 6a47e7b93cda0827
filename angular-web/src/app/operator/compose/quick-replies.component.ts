import { ChangeDetectionStrategy, Component, computed, model, signal } from '@angular/core';
import { MatChipsModule, type MatChipSelectionChange } from '@angular/material/chips';
import { REPLIES_MAX, REPLY_TEXT_MAX, SUGGESTED_REPLIES } from '@avisa/contracts';
import { FORM_KIT, SCREEN_KIT } from '../../core/ui/kit';

const same = (a: string, b: string) => a.toLocaleLowerCase('es') === b.toLocaleLowerCase('es');

/** Up to three quick replies the site may answer with from the notification: the usual ones, or typed here. */
@Component({
  selector: 'av-quick-replies',
  imports: [SCREEN_KIT, FORM_KIT, MatChipsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="quick-replies" role="group" [attr.aria-label]="'compose.replies.label' | transloco">
      <span class="label">{{ 'compose.replies.label' | transloco }}</span>
      <mat-chip-listbox multiple [attr.aria-label]="'compose.replies.label' | transloco" data-testid="compose-replies">
        @for (reply of options(); track reply) {
          @let chosen = value().includes(reply);
          <mat-chip-option
            [selected]="chosen"
            [disabled]="full() && !chosen"
            (selectionChange)="toggle(reply, $event)"
            data-testid="reply-option"
            [attr.data-reply]="reply"
            >{{ reply }}</mat-chip-option
          >
        }
      </mat-chip-listbox>
      <div class="custom">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ 'compose.replies.custom' | transloco }}</mat-label>
          <input
            matInput
            [value]="custom()"
            (input)="custom.set(inputValue($event))"
            (keydown.enter)="add($event)"
            [attr.maxlength]="textMax"
            [disabled]="full()"
            data-testid="reply-custom"
          />
          <mat-hint>{{ 'compose.replies.hint' | transloco: { max: max, chosen: value().length } }}</mat-hint>
        </mat-form-field>
        <button
          mat-stroked-button
          type="button"
          (click)="add()"
          [disabled]="full() || !custom().trim()"
          data-testid="reply-add"
        >
          <mat-icon>add</mat-icon>
          {{ 'compose.replies.add' | transloco }}
        </button>
      </div>
    </div>
  `,
  styles: `
    .quick-replies {
      display: flex;
      flex-direction: column;
      gap: 8px;
      margin-bottom: 12px;
    }
    .custom {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 8px;
    }
  `,
})
export class QuickRepliesComponent {
  readonly value = model.required<string[]>();

  protected readonly max = REPLIES_MAX;
  protected readonly textMax = REPLY_TEXT_MAX;
  protected readonly custom = signal('');
  protected readonly full = computed(() => this.value().length >= REPLIES_MAX);
  /** The usual replies, then the typed ones chosen. */
  protected readonly options = computed(() => [
    ...SUGGESTED_REPLIES,
    ...this.value().filter((reply) => !SUGGESTED_REPLIES.some((s) => same(s, reply))),
  ]);

  protected toggle(reply: string, event: MatChipSelectionChange): void {
    if (!event.isUserInput) return;
    const others = this.value().filter((r) => r !== reply);
    this.value.set(event.selected && !this.full() ? [...others, reply] : others);
  }

  protected add(event?: Event): void {
    event?.preventDefault();
    const text = this.custom().trim();
    if (!text || this.full()) return;
    const known = this.options().find((option) => same(option, text));
    if (!this.value().some((r) => same(r, known ?? text))) this.value.set([...this.value(), known ?? text]);
    this.custom.set('');
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }
}
