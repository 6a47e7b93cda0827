import { ChangeDetectionStrategy, Component, Directive, ViewEncapsulation, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatCalendarHeader, MatDatepicker } from '@angular/material/datepicker';

/**
 * Material's calendar header, with the month button named by what it shows first ("NOVIEMBRE 2026, elegir el mes y
 * el año"): someone using speech input says what they see (WCAG 2.5.3; Material's own header names it only by what
 * it does).
 */
@Component({
  selector: 'av-calendar-header',
  imports: [MatButtonModule, MatIconModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  encapsulation: ViewEncapsulation.None,
  template: `
    <div class="mat-calendar-header">
      <div class="mat-calendar-controls">
        <span class="cdk-visually-hidden" aria-live="polite">{{ periodButtonDescription }}</span>
        <button
          matButton
          type="button"
          class="mat-calendar-period-button"
          [attr.aria-label]="periodButtonText + ', ' + periodButtonLabel"
          (click)="currentPeriodClicked()"
        >
          {{ periodButtonText }}
        </button>
        <div class="mat-calendar-spacer"></div>
        <button
          matIconButton
          type="button"
          [disabled]="!previousEnabled()"
          [attr.aria-label]="prevButtonLabel"
          (click)="previousClicked()"
        >
          <mat-icon aria-hidden="true">chevron_left</mat-icon>
        </button>
        <button
          matIconButton
          type="button"
          [disabled]="!nextEnabled()"
          [attr.aria-label]="nextButtonLabel"
          (click)="nextClicked()"
        >
          <mat-icon aria-hidden="true">chevron_right</mat-icon>
        </button>
      </div>
    </div>
  `,
})
export class CalendarHeaderComponent<D> extends MatCalendarHeader<D> {}

/** Every `mat-datepicker` of a template that imports `DATE_KIT` gets the header above, without an attribute to forget. */
// eslint-disable-next-line @angular-eslint/directive-selector
@Directive({ selector: 'mat-datepicker' })
export class CalendarHeaderDirective {
  constructor() {
    inject(MatDatepicker).calendarHeaderComponent = CalendarHeaderComponent;
  }
}
