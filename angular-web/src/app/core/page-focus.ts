import { DOCUMENT } from '@angular/common';
import { Injectable, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';

/** How long a screen may take to show its heading after a navigation (a lazy chunk, a first render). */
const HEADING_WAIT_MS = 3000;

/**
 * Keyboard and screen-reader users land on the new screen's heading after a navigation or a login, instead of
 * staying on the link they followed or on `<body>`.
 */
@Injectable({ providedIn: 'root' })
export class PageFocus {
  private readonly document = inject(DOCUMENT);
  private readonly dialog = inject(MatDialog);
  private watching: { observer: MutationObserver; timer: ReturnType<typeof setTimeout> } | null = null;

  /**
   * Focuses the main content's heading once it is shown (the one marked `data-page-heading`, else the first visible
   * `h1`, else `h2`); never while a dialog holds the focus.
   */
  toHeading(): void {
    this.stopWatching();
    if (this.focusHeading()) return;
    const main = this.main();
    if (!main) return;
    const observer = new MutationObserver(() => {
      if (this.focusHeading()) this.stopWatching();
    });
    observer.observe(main, { childList: true, subtree: true });
    const timer = setTimeout(() => {
      this.stopWatching();
      if (!this.dialog.openDialogs.length) main.focus();
    }, HEADING_WAIT_MS);
    this.watching = { observer, timer };
  }

  /** After a dialog closed: the heading, unless the dialog gave the focus back to something on the screen. */
  toHeadingIfLost(): void {
    const active = this.document.activeElement;
    if (!active || active === this.document.body) this.toHeading();
  }

  private focusHeading(): boolean {
    if (this.dialog.openDialogs.length) return true;
    const main = this.main();
    if (!main) return false;
    const visible = (selector: string) =>
      [...main.querySelectorAll<HTMLElement>(selector)].find((h) => h.checkVisibility?.() ?? true);
    const heading = visible('[data-page-heading]') ?? visible('h1') ?? visible('h2');
    if (!heading) return false;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus();
    return true;
  }

  private main(): HTMLElement | null {
    return this.document.querySelector<HTMLElement>('main');
  }

  private stopWatching(): void {
    if (!this.watching) return;
    this.watching.observer.disconnect();
    clearTimeout(this.watching.timer);
    this.watching = null;
  }
}
