import { ChangeDetectionStrategy, Component, ElementRef, input, signal, viewChild } from '@angular/core';
import { SCREEN_KIT } from '../../core/ui/kit';

/**
 * A secret (site key, API token) or a command, with a copy button. When the browser refuses the clipboard
 * (plain http, permissions), the text is selected so that Ctrl+C still works.
 */
@Component({
  selector: 'av-one-time-secret',
  imports: [SCREEN_KIT],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="box">
      <code #text [attr.data-testid]="valueTestId()" [attr.aria-label]="label()">{{ value() }}</code>
      <button
        mat-stroked-button
        type="button"
        (click)="copy()"
        [attr.data-testid]="copyTestId()"
        [attr.aria-label]="('common.copy' | transloco) + ': ' + label()"
      >
        <mat-icon>content_copy</mat-icon>
        {{ 'common.copy' | transloco }}
      </button>
    </div>
    <p class="status" role="status">
      @switch (copyState()) {
        @case ('copied') {
          <span data-testid="copy-done">{{ 'common.copied' | transloco }}</span>
        }
        @case ('refused') {
          <span class="av-error" data-testid="copy-refused">{{ 'manageSites.copyRefused' | transloco }}</span>
        }
      }
    </p>
  `,
  styles: `
    .box {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    code {
      flex: 1 1 260px;
      padding: 8px 12px;
      border-radius: 8px;
      word-break: break-all;
      user-select: all;
      font-family: 'Roboto Mono', ui-monospace, monospace;
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface);
    }
    .status {
      min-height: 1.25em;
      margin: 4px 0 0;
      font: var(--mat-sys-body-small);
    }
  `,
})
export class OneTimeSecretComponent {
  readonly value = input.required<string>();
  /** What the value is, for screen readers ("Clave del sitio"). */
  readonly label = input.required<string>();
  readonly valueTestId = input<string | null>(null);
  readonly copyTestId = input<string | null>(null);

  protected readonly copyState = signal<'idle' | 'copied' | 'refused'>('idle');
  private readonly text = viewChild.required<ElementRef<HTMLElement>>('text');

  protected async copy(): Promise<void> {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(this.value());
      this.copyState.set('copied');
    } catch {
      this.copyState.set('refused');
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.selectAllChildren(this.text().nativeElement);
    }
  }
}
