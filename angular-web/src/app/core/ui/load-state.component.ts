import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';
import type { ApiProblem } from '../api-error';
import { ApiErrorComponent } from './api-error.component';

/** Where a load or a request stands: its last problem, right below what caused it, and a bar while one runs. */
@Component({
  selector: 'av-load-state',
  imports: [MatProgressBarModule, TranslocoPipe, ApiErrorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './load-state.component.html',
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class LoadStateComponent {
  readonly loading = input(false);
  readonly problem = input<ApiProblem | null>(null);
}
