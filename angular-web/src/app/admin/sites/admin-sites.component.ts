import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'av-admin-sites',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<section class="av-page"><header class="av-page-header"><h1>{{ 'nav.adminSites' | transloco }}</h1></header></section>`,
})
export class AdminSitesComponent {}
