import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';
import type { ApiProblem } from '../api-error';

/** An API failure in plain words, placed next to what caused it. */
@Component({
  selector: 'av-api-error',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (problem(); as p) {
      <p class="av-error" role="alert" data-testid="api-error">
        @if (p.leadKey) {
          <span class="lead">{{
            p.leadKey | transloco: { seconds: p.retryAfterSeconds ?? 0, minutes: minutes(p) }
          }}</span>
        }
        @if (p.detail) {
          <span class="detail">{{ p.detail }}</span>
        }
      </p>
    }
  `,
  styles: `
    p {
      margin: 8px 0;
    }
    .lead + .detail::before {
      content: ' — ';
    }
  `,
})
export class ApiErrorComponent {
  readonly problem = input<ApiProblem | null>(null);

  protected minutes(p: ApiProblem): number {
    return Math.max(1, Math.ceil((p.retryAfterSeconds ?? 60) / 60));
  }
}
