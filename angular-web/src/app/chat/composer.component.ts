import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { ROOM_MESSAGE_MAX } from '@avisa/contracts';
import { apiAction } from '../core/api-resource';
import { SCREEN_KIT } from '../core/ui/kit';
import { AttachPickerComponent } from '../files/attach-picker.component';
import { ChatStore } from './chat.store';

/** Tells the room "… is typing" at most this often while the user types. */
export const TYPING_EVERY_MS = 3000;

/** Writing into the open room: Enter sends, Shift+Enter starts a new line; shared files go along. */
@Component({
  selector: 'av-composer',
  imports: [SCREEN_KIT, AttachPickerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="composer" (submit)="$event.preventDefault(); send()">
      <textarea
        rows="2"
        [value]="draft()"
        (input)="typed($any($event.target).value)"
        (keydown)="keydown($event)"
        [attr.maxlength]="textMax"
        [attr.aria-label]="'chat.composer' | transloco"
        [attr.placeholder]="'chat.composerHint' | transloco"
        aria-describedby="composer-hint"
        data-testid="composer"
      ></textarea>
      <button mat-flat-button type="submit" [disabled]="!draft().trim() || busy()" data-testid="send">
        <mat-icon>send</mat-icon>{{ 'chat.send' | transloco }}
      </button>
    </form>
    <p id="composer-hint" class="hint">{{ 'chat.composerKeys' | transloco }}</p>
    <av-attach-picker [(selected)]="attachments" />
    <av-api-error [problem]="problem()" />
  `,
  styles: `
    .composer {
      display: flex;
      gap: 8px;
      align-items: flex-end;
    }
    textarea {
      flex: 1;
      font: inherit;
      padding: 8px;
      resize: vertical;
      max-height: 40vh;
      border-radius: 8px;
      border: 1px solid var(--mat-sys-outline);
      background: var(--mat-sys-surface);
      color: var(--mat-sys-on-surface);
      &:focus-visible {
        outline: 2px solid var(--mat-sys-primary);
        outline-offset: -1px;
      }
    }
    .hint {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
  `,
})
export class ComposerComponent {
  readonly roomId = input.required<number>();
  private readonly store = inject(ChatStore);
  private readonly sending = apiAction();
  protected readonly busy = this.sending.busy;
  protected readonly problem = this.sending.problem;
  protected readonly textMax = ROOM_MESSAGE_MAX;
  protected readonly draft = signal('');
  /** Shared files to send with the next message. */
  protected readonly attachments = signal<string[]>([]);
  private lastTypingAt = 0;
  /** What was left unsent in each room, back when the user returns to it. */
  private readonly drafts = new Map<number, string>();
  private draftRoom: number | null = null;

  constructor() {
    effect(() => {
      const roomId = this.roomId();
      untracked(() => {
        if (this.draftRoom !== null) this.drafts.set(this.draftRoom, this.draft());
        this.draftRoom = roomId;
        this.draft.set(this.drafts.get(roomId) ?? '');
        this.attachments.set([]);
      });
    });
  }

  protected typed(text: string): void {
    this.draft.set(text);
    const now = Date.now();
    if (text.trim() && now - this.lastTypingAt >= TYPING_EVERY_MS) {
      this.lastTypingAt = now;
      this.store.typing();
    }
  }

  protected keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  }

  protected send(): void {
    const text = this.draft().trim();
    if (!text || this.busy()) return;
    const roomId = this.roomId();
    this.sending.run(this.store.send(text, this.attachments()), {
      next: () => {
        this.drafts.delete(roomId);
        if (this.roomId() !== roomId) return;
        this.draft.set('');
        this.attachments.set([]);
        this.lastTypingAt = 0;
      },
    });
  }
}
