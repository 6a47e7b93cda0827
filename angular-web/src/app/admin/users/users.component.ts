import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'av-users',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<section class="av-page"><header class="av-page-header"><h1>{{ 'nav.users' | transloco }}</h1></header></section>`,
})
export class UsersComponent {}
