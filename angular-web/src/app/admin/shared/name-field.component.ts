import { ChangeDetectionStrategy, ChangeDetectorRef, Component, computed, inject, input } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import type { FormControl } from '@angular/forms';
import { switchMap } from 'rxjs';
import { fieldProblems, type ApiProblem } from '../../core/api-error';
import { FORM_KIT, SCREEN_KIT } from '../../core/ui/kit';
import { NAME_RULE, nameErrorKey } from './names';

/**
 * The name of a site or a token: the server's naming rule checked as one types, then what the server refused, by
 * field (`<testId>-error`) or because the name is taken.
 */
@Component({
  selector: 'av-name-field',
  imports: [SCREEN_KIT, FORM_KIT],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './name-field.component.html',
  styles: `
    :host {
      display: contents;
    }
    .field-problem {
      margin: -8px 0 0;
    }
  `,
})
export class NameFieldComponent {
  readonly control = input.required<FormControl<string>>();
  /** Where the translations are: `<keys>.name` labels the field, `<keys>.nameHint` explains it. */
  readonly keys = input.required<string>();
  readonly testId = input.required<string>();
  /** The form's last refusal, if any. */
  readonly problem = input<ApiProblem | null>(null);

  protected readonly problems = computed(() => fieldProblems(this.problem(), 'name'));
  protected readonly conflict = computed(() => (this.problem()?.status === 409 ? this.problem() : null));

  protected readonly nameRule = NAME_RULE;
  protected readonly errorKey = nameErrorKey;

  constructor() {
    // The form marks the field touched on submit, outside this view: show its error then too.
    const changes = inject(ChangeDetectorRef);
    toObservable(this.control)
      .pipe(
        switchMap((control) => control.events),
        takeUntilDestroyed(),
      )
      .subscribe(() => changes.markForCheck());
  }
}
