import { ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDatepicker, MatDatepickerInput, MatDatepickerToggle } from '@angular/material/datepicker';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTimepickerModule } from '@angular/material/timepicker';
import { MatTooltipModule } from '@angular/material/tooltip';
import { TranslocoPipe } from '@jsverse/transloco';
import { DateTimePipe } from '../format';
import { ActionButtonComponent } from './action-button.component';
import { ApiErrorComponent } from './api-error.component';
import { CalendarHeaderDirective } from './calendar-header.component';
import { DialogActionsComponent } from './dialog-actions.component';
import { IconButtonComponent } from './icon-button.component';
import { LoadStateComponent } from './load-state.component';
import { NoDataRowComponent } from './no-data-row.component';
import { OnlineStateComponent } from './online-state.component';
import { PagingDirective } from './paging.directive';
import { TableHeadComponent } from './table-head.component';
import { TableComponent } from './table.component';

/**
 * What nearly every screen and dialog template uses: buttons, icons, progress, tooltips, words, dates, problems, and
 * the shapes written once (`av-action-button`, `av-icon-button`, `av-load-state`, `av-table`, `thead[avTableHead]`,
 * `tr[avNoDataRow]`, `av-dialog-actions`, `mat-paginator[avPaging]`, `av-online-state`).
 */
export const SCREEN_KIT = [
  MatButtonModule,
  MatIconModule,
  MatProgressBarModule,
  MatTooltipModule,
  TranslocoPipe,
  DateTimePipe,
  ApiErrorComponent,
  ActionButtonComponent,
  IconButtonComponent,
  LoadStateComponent,
  TableHeadComponent,
  DialogActionsComponent,
  PagingDirective,
  TableComponent,
  OnlineStateComponent,
  NoDataRowComponent,
] as const;

/** What a typed form adds. */
export const FORM_KIT = [ReactiveFormsModule, MatFormFieldModule, MatInputModule] as const;

/**
 * What a form with dates or times adds: the calendar and the list of times, in the app's language (`provideDates`).
 * The pieces, not `MatDatepickerModule`, whose own `MatDatepickerIntl` would hide the translated one; every calendar
 * gets the header of `calendar-header.component.ts`.
 */
export const DATE_KIT = [
  MatDatepicker,
  MatDatepickerInput,
  MatDatepickerToggle,
  CalendarHeaderDirective,
  MatTimepickerModule,
] as const;
