import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import type { ReceiverResponse } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { facetsOf } from './site-details';

/** The region and tag filters of a sites list; each offers what the sites use, and hides itself when none does. */
@Component({
  selector: 'av-site-facets',
  imports: [MatFormFieldModule, MatSelectModule, TranslocoPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (facets().regions.length || region()) {
      <mat-form-field class="facet">
        <mat-label>{{ 'siteInfo.filters.region' | transloco }}</mat-label>
        <mat-select [value]="region()" (valueChange)="region.set($event)" data-testid="site-region-filter">
          <mat-option value="">{{ 'siteInfo.filters.any' | transloco }}</mat-option>
          @for (r of facets().regions; track r) {
            <mat-option [value]="r">{{ r }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    }
    @if (facets().tags.length || tag()) {
      <mat-form-field class="facet">
        <mat-label>{{ 'siteInfo.filters.tag' | transloco }}</mat-label>
        <mat-select [value]="tag()" (valueChange)="tag.set($event)" data-testid="site-tag-filter">
          <mat-option value="">{{ 'siteInfo.filters.any' | transloco }}</mat-option>
          @for (t of facets().tags; track t) {
            <mat-option [value]="t">{{ t }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    }
  `,
  styles: `
    :host {
      display: contents;
    }
    .facet {
      width: 11rem;
    }
  `,
})
export class SiteFacetsComponent {
  readonly sites = input.required<readonly ReceiverResponse[]>();
  readonly region = model('');
  readonly tag = model('');
  protected readonly facets = computed(() => facetsOf(this.sites()));
}
