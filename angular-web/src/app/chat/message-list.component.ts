import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  afterRenderEffect,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type { RoomMessageResponse } from '@avisa/contracts';
import { SCREEN_KIT } from '../core/ui/kit';
import { ChatMessageComponent } from './chat-message.component';
import { HeightCache, anchorAt, offsetsOf, topFor, visibleRange, type Anchor } from './virtual-layout';

/** Before a message is measured. */
const ESTIMATED_HEIGHT_PX = 72;
/** Rendered beyond each edge of the viewport, so a fast scroll does not show a blank. */
const BUFFER_PX = 600;
/** Closer than this to the newest message counts as reading it (and keeps new ones in view). */
const STICK_PX = 24;
/** Closer than this to the oldest message shown asks for the page before it. */
const OLDER_PX = 400;
/** A scroll event this recent means the reader is scrolling: a correction now would stop their scroll short. */
const SCROLLING_MS = 150;

/**
 * A room's conversation as a virtual list: only the messages near the viewport are in the page, whatever the length
 * of the history, each measured once rendered. It stays on the newest message while the reader is there, keeps
 * their place when older pages come in above, and asks for the next older page near the top.
 */
@Component({
  selector: 'av-message-list',
  imports: [SCREEN_KIT, ChatMessageComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-list.component.html',
  styleUrl: './message-list.component.scss',
})
export class MessageListComponent {
  readonly roomId = input.required<number>();
  /** Oldest first. */
  readonly messages = input.required<readonly RoomMessageResponse[]>();
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  /** Where the "new messages" line goes. */
  readonly firstUnreadId = input<string | null>(null);
  readonly myId = input<number | null>(null);
  readonly olderWanted = output<void>();
  /** The newest message is in view (emitted on every render and scroll while it is). */
  readonly newestSeen = output<void>();

  private readonly viewport = viewChild.required<ElementRef<HTMLElement>>('viewport');
  private readonly spacer = viewChild.required<ElementRef<HTMLElement>>('spacer');
  private readonly rendered = viewChild.required<ElementRef<HTMLElement>>('rendered');

  private readonly heights = new HeightCache(ESTIMATED_HEIGHT_PX);
  private readonly measured = signal(0);
  private readonly resized = signal(0);
  private readonly scrollTop = signal(0);
  private readonly viewportHeight = signal(0);
  /** Whether the newest message is in view. */
  readonly atBottom = signal(true);
  /** Messages by others that came in while the reader was further up. */
  protected readonly missed = signal(0);
  /** The last message by someone else, for screen readers (the list itself is not a live region). */
  protected readonly announcement = signal<RoomMessageResponse | null>(null);
  private stuck = true;
  private anchor: Anchor | null = null;
  private lastId: string | null = null;
  private firstId: string | null = null;
  private userScrolledAt = 0;
  /** Where this component last put the scroll position: its own scroll event is not the reader's. */
  private placedAt = -1;

  private readonly keys = computed(() => this.messages().map((m) => m.id));
  private readonly offsets = computed(() => {
    this.measured();
    return offsetsOf(this.keys(), this.heights);
  });
  protected readonly layout = computed(() => {
    const offsets = this.offsets();
    const range = visibleRange(offsets, this.scrollTop(), this.viewportHeight(), BUFFER_PX);
    return {
      total: offsets[offsets.length - 1],
      top: offsets[range.start],
      start: range.start,
      items: this.messages().slice(range.start, range.end),
    };
  });

  constructor() {
    effect(() => {
      this.roomId();
      untracked(() => this.reset());
    });
    effect(() => {
      const last = this.messages().at(-1);
      untracked(() => this.arrived(last));
    });
    afterRenderEffect(() => {
      this.layout();
      this.resized();
      untracked(() => this.settle());
    });
    if (typeof ResizeObserver !== 'undefined') {
      const observer = new ResizeObserver(() => this.resized.update((n) => n + 1));
      afterNextRender(() => {
        observer.observe(this.viewport().nativeElement);
        observer.observe(this.rendered().nativeElement);
      });
      inject(DestroyRef).onDestroy(() => observer.disconnect());
    }
  }

  /** Back to the newest message, and stay there. */
  toNewest(): void {
    this.stuck = true;
    this.atBottom.set(true);
    this.missed.set(0);
    this.resized.update((n) => n + 1);
  }

  /** The first message loaded, at once (Home would otherwise glide there and stop wherever a correction lands). */
  protected toOldest(event: Event): void {
    event.preventDefault();
    this.stuck = false;
    this.atBottom.set(false);
    this.viewport().nativeElement.scrollTop = 0;
  }

  protected toNewestKey(event: Event): void {
    event.preventDefault();
    this.toNewest();
  }

  protected scrolled(): void {
    const viewport = this.viewport().nativeElement;
    if (Math.abs(viewport.scrollTop - this.placedAt) >= 1) this.userScrolledAt = performance.now();
    this.scrollTop.set(viewport.scrollTop);
    this.stuck = viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight <= STICK_PX;
    this.atBottom.set(this.stuck);
    this.anchor = anchorAt(this.keys(), this.offsets(), viewport.scrollTop);
    if (this.stuck) {
      this.missed.set(0);
      this.newestSeen.emit();
    }
    if (viewport.scrollTop < OLDER_PX) this.wantOlder();
  }

  private reset(): void {
    this.heights.clear();
    this.measured.update((n) => n + 1);
    this.stuck = true;
    this.atBottom.set(true);
    this.missed.set(0);
    this.anchor = null;
    this.lastId = null;
    this.firstId = null;
    this.announcement.set(null);
  }

  /** A new newest message: follow it when it is the reader's own, count it when they are reading further up. */
  private arrived(last: RoomMessageResponse | undefined): void {
    if (!last || last.id === this.lastId) return;
    const first = this.lastId === null;
    this.lastId = last.id;
    if (first) return;
    if (last.author.id === this.myId()) {
      this.stuck = true;
      return;
    }
    this.announcement.set(last);
    if (!this.stuck) this.missed.update((n) => n + 1);
  }

  /**
   * After each render: measures the messages in the page, then puts the scroll position where the reader expects it:
   * the bottom while they follow the conversation, otherwise the same message at the same place. While the reader
   * scrolls, a message measured taller or shorter than estimated is left to move a little rather than stop their
   * scroll; older messages added above are always made up for.
   */
  private settle(): void {
    const viewport = this.viewport().nativeElement;
    let changed = false;
    for (const element of Array.from(this.rendered().nativeElement.children) as HTMLElement[]) {
      const key = element.dataset['key'];
      if (key && this.heights.set(key, element.getBoundingClientRect().height)) changed = true;
    }
    if (changed) this.measured.update((n) => n + 1);
    if (viewport.clientHeight !== this.viewportHeight()) this.viewportHeight.set(viewport.clientHeight);
    const keys = this.keys();
    const offsets = this.offsets();
    const total = offsets[offsets.length - 1];
    // The spacer's new height first, so the position set below is not cut to the old one.
    this.spacer().nativeElement.style.height = `${total}px`;
    const prepended = this.firstId !== null && keys.length > 0 && keys[0] !== this.firstId;
    this.firstId = keys[0] ?? null;
    const scrolling = performance.now() - this.userScrolledAt < SCROLLING_MS;
    let target: number | null = null;
    if (this.stuck) target = Math.max(0, total - viewport.clientHeight);
    else if (this.anchor && (prepended || !scrolling)) target = topFor(this.anchor, keys, offsets);
    if (target !== null && Math.abs(viewport.scrollTop - target) >= 1) {
      viewport.scrollTop = target;
      this.placedAt = viewport.scrollTop;
    }
    this.scrollTop.set(viewport.scrollTop);
    this.anchor = anchorAt(keys, offsets, viewport.scrollTop);
    if (this.stuck && keys.length) this.newestSeen.emit();
    if (total <= viewport.clientHeight || viewport.scrollTop < OLDER_PX) this.wantOlder();
  }

  private wantOlder(): void {
    if (this.hasOlder() && !this.loadingOlder() && this.messages().length) this.olderWanted.emit();
  }
}
