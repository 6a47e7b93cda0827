import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { textSegments } from '@avisa/contracts';

/**
 * A chat message as text nodes only: links (http and https) open in a new tab without access to this one, mentions
 * stand out (more so the reader's own); nothing in a message is ever HTML.
 */
@Component({
  selector: 'av-message-text',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // Each piece in its own element: text around the control-flow blocks must not add spaces to a pre-wrapped text.
  template: `@for (segment of segments(); track $index) {
    @switch (segment.kind) {
      @case ('link') {
        <a [href]="segment.href" target="_blank" rel="noopener noreferrer nofollow">{{ segment.text }}</a>
      }
      @case ('mention') {
        <span class="mention" [class.me]="segment.username === me()">{{ segment.text }}</span>
      }
      @default {
        <span>{{ segment.text }}</span>
      }
    }
  }`,
  styles: `
    :host {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .mention {
      color: var(--mat-sys-primary);
      font-weight: 500;
    }
    .mention.me {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
      border-radius: 4px;
      padding: 0 2px;
    }
  `,
})
export class MessageTextComponent {
  readonly text = input.required<string>();
  /** The reader's username, to mark their own mentions. */
  readonly me = input<string>('');
  protected readonly segments = computed(() => textSegments(this.text()));
}
