import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { SITE_DETAIL_FIELDS, type ReceiverResponse, type SiteDetailField, type SiteDetails } from '@avisa/contracts';
import { Observable } from 'rxjs';
import { fieldProblems } from '../../core/api-error';
import { DISPLAY_NAME_MAX, nameValidator, normalizeName } from '../shared/names';
import { NameFieldComponent } from '../shared/name-field.component';
import { AdminSitesApi } from './admin-sites.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { apiAction } from '../../core/api-resource';
import { detailProblemOf, detailValue, siteDetailValidator } from '../../sites/site-details';

export interface SiteFormData {
  /** The site whose display name is edited; none to create a site. */
  site?: ReceiverResponse;
}

/** Creates a site (closes with the answer, key included) or changes a site's display name and support details. */
@Component({
  selector: 'av-site-form-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, NameFieldComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" data-testid="site-form">
      <h2 mat-dialog-title>
        {{
          (editing ? 'manageSites.form.editTitle' : 'manageSites.form.createTitle')
            | transloco: { name: editing?.name ?? '' }
        }}
      </h2>
      <mat-dialog-content>
        <av-name-field
          [control]="form.controls.name"
          keys="manageSites.form"
          testId="site-name"
          [problem]="problem()"
        />
        <mat-form-field class="av-full-width">
          <mat-label>{{ 'manageSites.form.displayName' | transloco }}</mat-label>
          <input
            matInput
            formControlName="displayName"
            autocomplete="off"
            data-testid="site-display-name"
            [required]="!!editing"
          />
          @if (!editing) {
            <mat-hint>{{ 'manageSites.form.displayNameHint' | transloco }}</mat-hint>
          }
          @if (form.controls.displayName.hasError('required')) {
            <mat-error>{{ 'common.required' | transloco }}</mat-error>
          } @else if (form.controls.displayName.hasError('maxlength')) {
            <mat-error>{{ 'manageSites.form.displayNameLength' | transloco: { max: displayMax } }}</mat-error>
          }
        </mat-form-field>
        @for (message of displayNameProblems(); track message) {
          <p class="av-error field-problem">{{ message }}</p>
        }
        @for (field of detailFields; track field) {
          @let control = form.controls[field];
          <mat-form-field class="av-full-width">
            <mat-label>{{ 'siteInfo.fields.' + field | transloco }}</mat-label>
            @if (field === 'notes') {
              <textarea matInput [formControl]="control" rows="3" [attr.data-testid]="'site-' + field"></textarea>
            } @else {
              <input
                matInput
                [formControl]="control"
                autocomplete="off"
                [attr.inputmode]="field === 'phone' ? 'tel' : null"
                [attr.data-testid]="'site-' + field"
              />
            }
            <mat-hint>{{ 'siteInfo.hints.' + field | transloco }}</mat-hint>
            @if (detailProblem(control); as p) {
              <mat-error [attr.data-testid]="'site-' + field + '-error'">{{
                'siteInfo.problems.' + p.code | transloco: p.params
              }}</mat-error>
            }
          </mat-form-field>
          @for (message of serverProblems()[field]; track message) {
            <p class="av-error field-problem">{{ message }}</p>
          }
        }
        <av-load-state [loading]="busy()" [problem]="otherProblem()" />
      </mat-dialog-content>
      <av-dialog-actions
        [submit]="editing ? 'common.save' : 'common.create'"
        [disabled]="busy()"
        testId="site-form-submit"
      />
    </form>
  `,
  styles: `
    mat-dialog-content {
      min-width: min(480px, 80vw);
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .field-problem {
      margin: -8px 0 0;
    }
  `,
})
export class SiteFormDialogComponent {
  private readonly api = inject(AdminSitesApi);
  private readonly dialogRef = inject(MatDialogRef<SiteFormDialogComponent>);
  protected readonly editing = inject<SiteFormData | null>(MAT_DIALOG_DATA, { optional: true })?.site ?? null;
  protected readonly displayMax = DISPLAY_NAME_MAX;
  private readonly saving = apiAction();
  protected readonly busy = this.saving.busy;
  protected readonly problem = this.saving.problem;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: [{ value: this.editing?.name ?? '', disabled: !!this.editing }, nameValidator],
    displayName: [
      this.editing?.displayName ?? '',
      this.editing
        ? [Validators.required, Validators.maxLength(DISPLAY_NAME_MAX)]
        : Validators.maxLength(DISPLAY_NAME_MAX),
    ],
    postalAddress: [this.editing?.postalAddress ?? '', siteDetailValidator('postalAddress')],
    phone: [this.editing?.phone ?? '', siteDetailValidator('phone')],
    region: [this.editing?.region ?? '', siteDetailValidator('region')],
    tags: [this.editing?.tags.join(', ') ?? '', siteDetailValidator('tags')],
    notes: [this.editing?.notes ?? '', siteDetailValidator('notes')],
  });
  protected readonly detailFields = SITE_DETAIL_FIELDS;
  protected readonly detailProblem = detailProblemOf;
  protected readonly serverProblems = computed(
    () =>
      Object.fromEntries(SITE_DETAIL_FIELDS.map((f) => [f, fieldProblems(this.problem(), f)])) as Record<
        SiteDetailField,
        string[]
      >,
  );

  protected readonly nameProblems = computed(() => fieldProblems(this.problem(), 'name'));
  protected readonly displayNameProblems = computed(() => fieldProblems(this.problem(), 'displayName'));
  /** What is not about one field (a name already taken, no connection). */
  protected readonly otherProblem = computed(() => {
    const p = this.problem();
    const onField =
      this.nameProblems().length ||
      this.displayNameProblems().length ||
      Object.values(this.serverProblems()).some((m) => m.length);
    return p && p.status !== 409 && !onField ? p : null;
  });

  protected submit(): void {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const displayName = this.form.controls.displayName.value.trim();
    // Editing sends the details changed (an emptied one is cleared); creating, those filled in.
    const details: SiteDetails = {};
    for (const field of SITE_DETAIL_FIELDS) {
      const value = detailValue(field, this.form.controls[field].value);
      const unchanged = this.editing
        ? JSON.stringify(value) === JSON.stringify(this.editing[field] ?? (field === 'tags' ? [] : ''))
        : !value.length;
      if (!unchanged) Object.assign(details, { [field]: value });
    }
    const request: Observable<unknown> = this.editing
      ? this.api.update(this.editing.name, { displayName, ...details })
      : this.api.create({
          name: normalizeName(this.form.controls.name.value),
          ...(displayName ? { displayName } : {}),
          ...details,
        });
    this.saving.run(request, { next: (answer) => this.dialogRef.close(answer) });
  }
}
