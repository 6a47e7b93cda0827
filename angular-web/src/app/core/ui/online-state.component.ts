import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

/** A site's connection as a badge: `<labels>.online` in green or `<labels>.offline` in grey. */
@Component({
  selector: 'av-online-state',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './online-state.component.html',
  styles: `
    :host {
      display: contents;
    }
  `,
})
export class OnlineStateComponent {
  readonly online = input.required<boolean>();
  /** Where the two words are in the translations. */
  readonly labels = input.required<string>();
  readonly testId = input<string>();
}
