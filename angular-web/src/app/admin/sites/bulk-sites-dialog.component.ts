import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { TranslocoPipe } from '@jsverse/transloco';
import { finalize } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { downloadText } from '../../core/download';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { confirmAction } from '../../core/ui/confirm-dialog.component';
import { normalizeName } from '../shared/names';
import { AdminSitesApi } from './admin-sites.api';
import { type BulkProblem, checkBulkRows, parseBulkCsv, parseBulkRefusal } from './bulk-csv';

export interface BulkSitesData {
  /** Names of the sites that exist already, to point them out before sending. */
  existing: string[];
}

export const BULK_KEYS_FILE = 'avisa-claves-sitios.csv';
const PREVIEW_ROWS = 100;
const SHOWN_PROBLEMS = 200;

/** Creates many sites from a CSV of names; the CSV of keys it answers can be downloaded from here only. */
@Component({
  selector: 'av-bulk-sites-dialog',
  imports: [
    ReactiveFormsModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    ApiErrorComponent,
    TranslocoPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'manageSites.bulk.title' | transloco }}</h2>
    <mat-dialog-content>
      @if (keysCsv(); as csv) {
        <p class="warning" role="alert" data-testid="bulk-warning">
          <mat-icon aria-hidden="true">warning</mat-icon>
          <span>{{ 'manageSites.bulk.onceWarning' | transloco: { count: created() } }}</span>
        </p>
        <button mat-flat-button type="button" (click)="download(csv)" data-testid="bulk-download">
          <mat-icon>download</mat-icon>
          {{ 'manageSites.bulk.download' | transloco: { file: keysFile } }}
        </button>
        @if (downloaded()) {
          <p role="status">{{ 'manageSites.bulk.downloaded' | transloco }}</p>
        }
      } @else {
        <p>{{ 'manageSites.bulk.help' | transloco }}</p>
        <pre class="example" aria-hidden="true">
name,display name&#10;farmacia-centro,Farmacia Centro&#10;farmacia-norte</pre>
        <div class="file">
          <input
            #file
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            (change)="pick(file)"
            hidden
            data-testid="bulk-file"
          />
          <button mat-stroked-button type="button" (click)="file.click()">
            <mat-icon>upload_file</mat-icon>
            {{ 'manageSites.bulk.pickFile' | transloco }}
          </button>
          @if (fileName(); as name) {
            <span class="av-muted">{{ name }}</span>
          }
        </div>
        @if (fileProblem()) {
          <p class="av-error" role="alert">{{ 'manageSites.bulk.fileUnreadable' | transloco }}</p>
        }
        <mat-form-field class="av-full-width">
          <mat-label>{{ 'manageSites.bulk.paste' | transloco }}</mat-label>
          <textarea matInput [formControl]="csv" rows="6" spellcheck="false" data-testid="bulk-csv"></textarea>
        </mat-form-field>
        @if (touched() && !rows().length) {
          <p class="av-error" role="alert">{{ 'manageSites.bulk.empty' | transloco }}</p>
        }
        @if (problems().length) {
          <div [attr.role]="refused() ? 'alert' : 'status'">
            <p class="av-error">
              {{
                (refused() ? 'manageSites.bulk.refused' : 'manageSites.bulk.fixFirst')
                  | transloco: { count: problems().length }
              }}
            </p>
            <ul class="problems">
              @for (p of shownProblems(); track $index) {
                <li class="av-error" data-testid="bulk-error" [attr.data-line]="p.line">
                  {{ 'manageSites.bulk.problems.' + p.kind | transloco: p }}
                </li>
              }
            </ul>
            @if (problems().length > shownProblems().length) {
              <p class="av-muted">
                {{ 'manageSites.bulk.moreProblems' | transloco: { count: problems().length - shownProblems().length } }}
              </p>
            }
          </div>
        }
        @if (rows().length) {
          <p data-testid="bulk-count">{{ 'manageSites.bulk.count' | transloco: { count: rows().length } }}</p>
          <div class="av-table-wrap preview">
            <table data-testid="bulk-preview">
              <caption class="av-muted">
                {{
                  'manageSites.bulk.preview' | transloco: { shown: previewRows().length, count: rows().length }
                }}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{{ 'manageSites.bulk.line' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.columns.name' | transloco }}</th>
                  <th scope="col">{{ 'manageSites.columns.displayName' | transloco }}</th>
                </tr>
              </thead>
              <tbody>
                @for (row of previewRows(); track row.line) {
                  <tr [class.bad]="badLines().has(row.line)">
                    <td>{{ row.line }}</td>
                    <td>{{ normalize(row.name) }}</td>
                    <td>{{ row.displayName || normalize(row.name) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
        <av-api-error [problem]="problem()" />
        @if (busy()) {
          <mat-progress-bar mode="indeterminate" />
        }
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (keysCsv()) {
        <button mat-button type="button" (click)="close()" data-testid="bulk-close">
          {{ 'common.close' | transloco }}
        </button>
      } @else {
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | transloco }}</button>
        <button
          mat-flat-button
          type="button"
          (click)="submit()"
          [disabled]="busy() || localProblems().length > 0"
          data-testid="bulk-submit"
        >
          {{ 'manageSites.bulk.submit' | transloco: { count: rows().length } }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    mat-dialog-content {
      min-width: min(560px, 85vw);
    }
    .warning {
      display: flex;
      gap: 8px;
      align-items: flex-start;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .example {
      margin: 0 0 12px;
      padding: 8px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
    }
    .file {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin-bottom: 12px;
    }
    .preview {
      max-height: 240px;
      overflow-y: auto;
      margin-bottom: 8px;
    }
    table {
      border-collapse: collapse;
      width: 100%;
    }
    caption {
      text-align: start;
      font: var(--mat-sys-body-small);
    }
    th,
    td {
      text-align: start;
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    tr.bad td {
      color: var(--mat-sys-error);
    }
    .problems {
      margin: 0;
      padding-inline-start: 20px;
    }
  `,
})
export class BulkSitesDialogComponent {
  private readonly api = inject(AdminSitesApi);
  private readonly dialog = inject(MatDialog);
  private readonly dialogRef = inject(MatDialogRef<BulkSitesDialogComponent, number>);
  private readonly existing = new Set(
    (inject<BulkSitesData | null>(MAT_DIALOG_DATA, { optional: true })?.existing ?? []).map(normalizeName),
  );
  protected readonly keysFile = BULK_KEYS_FILE;
  protected readonly normalize = normalizeName;

  protected readonly csv = new FormControl('', { nonNullable: true });
  private readonly text = toSignal(this.csv.valueChanges, { initialValue: '' });
  protected readonly rows = computed(() => parseBulkCsv(this.text()));
  protected readonly previewRows = computed(() => this.rows().slice(0, PREVIEW_ROWS));
  protected readonly localProblems = computed(() => checkBulkRows(this.rows(), this.existing));
  /** The server's line report after a refusal, until the text changes. */
  private readonly serverProblems = signal<{ text: string; problems: BulkProblem[] } | null>(null);
  protected readonly refused = computed(() => this.serverProblems()?.text === this.text());
  protected readonly problems = computed(() =>
    this.refused() ? this.serverProblems()!.problems : this.localProblems(),
  );
  protected readonly shownProblems = computed(() => this.problems().slice(0, SHOWN_PROBLEMS));
  protected readonly badLines = computed(() => new Set(this.problems().map((p) => p.line)));

  protected readonly touched = signal(false);
  protected readonly fileName = signal<string | null>(null);
  protected readonly fileProblem = signal(false);
  protected readonly busy = signal(false);
  protected readonly problem = signal<ApiProblem | null>(null);
  protected readonly keysCsv = signal<string | null>(null);
  protected readonly created = signal(0);
  protected readonly downloaded = signal(false);

  protected async pick(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.fileProblem.set(false);
    try {
      const text = await file.text();
      this.fileName.set(file.name);
      this.csv.setValue(text);
      this.touched.set(true);
    } catch {
      this.fileProblem.set(true);
    }
  }

  protected submit(): void {
    if (this.busy()) return;
    this.touched.set(true);
    this.problem.set(null);
    if (!this.rows().length || this.localProblems().length) return;
    const text = this.text();
    this.busy.set(true);
    this.api
      .provision(text)
      .pipe(finalize(() => this.busy.set(false)))
      .subscribe({
        next: (keys) => {
          // Closing by accident would lose the keys: only the close button, which asks first.
          this.dialogRef.disableClose = true;
          this.keysCsv.set(keys);
          this.created.set(this.rows().length);
        },
        error: (error: unknown) => {
          const problem = toApiProblem(error);
          const lines = problem.status === 400 ? parseBulkRefusal(problem.detail) : null;
          if (lines) this.serverProblems.set({ text, problems: lines });
          else this.problem.set(problem);
        },
      });
  }

  protected download(csv: string): void {
    downloadText(BULK_KEYS_FILE, csv);
    this.downloaded.set(true);
  }

  protected close(): void {
    if (this.downloaded()) {
      this.dialogRef.close(this.created());
      return;
    }
    confirmAction(this.dialog, {
      titleKey: 'manageSites.bulk.closeTitle',
      messageKey: 'manageSites.bulk.closeMessage',
      confirmKey: 'manageSites.bulk.closeConfirm',
      danger: true,
    }).subscribe((yes) => yes && this.dialogRef.close(this.created()));
  }
}
