import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** A site's tags as small chips. */
@Component({
  selector: 'av-site-tags',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (t of tags(); track t) {
      <span class="tag" data-testid="site-tag">{{ t }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .tag {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 999px;
      padding: 0 8px;
      font-size: 0.8125rem;
      line-height: 1.5rem;
      white-space: nowrap;
    }
  `,
})
export class SiteTagsComponent {
  readonly tags = input.required<readonly string[]>();
}
