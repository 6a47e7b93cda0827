import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'av-groups',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<section class="av-page"><header class="av-page-header"><h1>{{ 'nav.groups' | transloco }}</h1></header></section>`,
})
export class GroupsComponent {}
