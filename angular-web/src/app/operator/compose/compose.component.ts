import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'av-compose',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<section class="av-page"><header class="av-page-header"><h1>{{ 'nav.compose' | transloco }}</h1></header></section>`,
})
export class ComposeComponent {}
