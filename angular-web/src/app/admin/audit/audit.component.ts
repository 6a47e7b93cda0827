import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TranslocoPipe } from '@jsverse/transloco';

@Component({
  selector: 'av-audit',
  imports: [TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<section class="av-page"><header class="av-page-header"><h1>{{ 'nav.audit' | transloco }}</h1></header></section>`,
})
export class AuditComponent {}
