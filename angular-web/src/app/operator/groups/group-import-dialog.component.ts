import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { GroupImportReport } from '@avisa/contracts';
import { TranslocoPipe } from '@jsverse/transloco';
import { finalize } from 'rxjs';
import { type ApiProblem, toApiProblem } from '../../core/api-error';
import { ApiErrorComponent } from '../../core/ui/api-error.component';
import { previewGroupsCsv } from './group-csv';
import { GroupsApi } from './groups.api';

const PREVIEW_ROWS = 200;

function isReport(value: unknown): value is GroupImportReport {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<GroupImportReport>;
  return Array.isArray(r.errors) && Array.isArray(r.warnings);
}

/** CSV import: pick or paste, look at the preview, send; shows the server's report line by line. Closes with true once something was imported. */
@Component({
  selector: 'av-group-import-dialog',
  imports: [
    MatDialogModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatIconModule,
    MatProgressBarModule,
    TranslocoPipe,
    ApiErrorComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'groups.import.title' | transloco }}</h2>
    <mat-dialog-content>
      <p class="av-muted help">{{ 'groups.import.help' | transloco }}</p>
      <pre class="example" aria-hidden="true">{{ 'groups.import.example' | transloco }}</pre>

      @if (!report()?.imported) {
        <div class="file-row">
          <input
            #fileInput
            type="file"
            accept=".csv,text/csv"
            class="file-input"
            id="group-import-file"
            data-testid="import-file"
            (change)="fileChosen(fileInput)"
          />
          <button mat-stroked-button type="button" (click)="fileInput.click()">
            <mat-icon>upload_file</mat-icon>
            {{ 'groups.import.chooseFile' | transloco }}
          </button>
          <span class="av-muted" aria-live="polite">
            {{ fileName() ?? ('groups.import.noFile' | transloco) }}
          </span>
        </div>
        @if (readProblem()) {
          <p class="av-error" role="alert">{{ 'groups.import.readFailed' | transloco }}</p>
        }

        <mat-form-field class="av-full-width">
          <mat-label>{{ 'groups.import.paste' | transloco }}</mat-label>
          <textarea
            matInput
            rows="6"
            [value]="text()"
            (input)="textTyped($event)"
            data-testid="import-text"
            spellcheck="false"
          ></textarea>
          <mat-hint>{{ 'groups.import.pasteHint' | transloco }}</mat-hint>
        </mat-form-field>

        @if (text().trim()) {
          <section data-testid="import-preview" class="preview" [attr.aria-label]="'groups.import.preview' | transloco">
            <h3>
              {{ 'groups.import.preview' | transloco }}
              <span class="av-muted">
                {{
                  'groups.import.previewCounts'
                    | transloco: { groups: preview().rows.length, members: previewMembers() }
                }}
              </span>
            </h3>
            <p class="av-muted">{{ 'groups.import.previewNote' | transloco }}</p>
            @if (preview().headerSkipped) {
              <p class="av-muted">{{ 'groups.import.headerSkipped' | transloco }}</p>
            }
            @if (preview().malformedLine !== null) {
              <p class="av-error" role="alert" data-testid="import-preview-malformed">
                {{ 'groups.import.malformed' | transloco: { line: preview().malformedLine } }}
              </p>
            } @else {
              <div class="av-table-wrap">
                <table class="preview-table">
                  <thead>
                    <tr>
                      <th scope="col">{{ 'groups.import.line' | transloco }}</th>
                      <th scope="col">{{ 'groups.name' | transloco }}</th>
                      <th scope="col">{{ 'groups.members' | transloco }}</th>
                    </tr>
                  </thead>
                  <tbody>
                    @for (row of shownRows(); track row.line) {
                      <tr data-testid="import-preview-row" [class.has-problem]="row.problems.length > 0">
                        <td>{{ row.line }}</td>
                        <td>{{ row.name || '—' }}</td>
                        <td>
                          {{ row.members.join(', ') || '—' }}
                          @for (p of row.problems; track $index) {
                            <div class="av-error">{{ 'groups.import.problems.' + p.key | transloco: p.params }}</div>
                          }
                        </td>
                      </tr>
                    }
                  </tbody>
                </table>
              </div>
              @if (preview().rows.length > shownRows().length) {
                <p class="av-muted">
                  {{ 'groups.import.moreRows' | transloco: { count: preview().rows.length - shownRows().length } }}
                </p>
              }
              @if (previewProblems() > 0) {
                <p class="av-error">
                  {{ 'groups.import.previewHasProblems' | transloco: { count: previewProblems() } }}
                </p>
              }
            }
          </section>
        }
      }

      @if (sending()) {
        <mat-progress-bar mode="indeterminate" />
      }

      @if (report(); as r) {
        <section class="report" data-testid="import-report" aria-live="polite">
          @if (r.imported) {
            <p class="ok" role="status" data-testid="import-success">
              <mat-icon>check_circle</mat-icon>
              {{ 'groups.import.imported' | transloco: { groups: r.groups, members: r.members } }}
            </p>
          } @else {
            <p class="av-error" role="alert" data-testid="import-refused">
              {{ 'groups.import.refused' | transloco: { count: r.errors.length } }}
            </p>
            <ul class="problems">
              @for (e of r.errors; track $index) {
                <li class="av-error" data-testid="import-error">
                  {{ lineLabel(e.line) | transloco: { line: e.line, message: e.message } }}
                </li>
              }
            </ul>
          }
          @if (r.warnings.length) {
            <h3>{{ 'groups.import.warnings' | transloco: { count: r.warnings.length } }}</h3>
            <ul class="problems">
              @for (w of r.warnings; track $index) {
                <li class="warning" data-testid="import-warning">
                  {{ lineLabel(w.line) | transloco: { line: w.line, message: w.message } }}
                </li>
              }
            </ul>
          }
        </section>
      }
      <av-api-error [problem]="problem()" />
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" (click)="close()" data-testid="import-close">
        {{ (report()?.imported ? 'common.close' : 'common.cancel') | transloco }}
      </button>
      @if (!report()?.imported) {
        <button
          mat-flat-button
          type="button"
          (click)="submit()"
          [disabled]="!text().trim() || sending()"
          data-testid="import-submit"
        >
          {{ 'groups.import.submit' | transloco }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .help {
      margin-top: 0;
    }
    .example {
      margin: 0 0 12px;
      padding: 8px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
      font: var(--mat-sys-body-small);
      font-family: monospace;
      white-space: pre-wrap;
    }
    .file-row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 12px;
      margin-bottom: 12px;
    }
    .file-input {
      position: absolute;
      width: 1px;
      height: 1px;
      opacity: 0;
      overflow: hidden;
    }
    .preview h3,
    .report h3 {
      font: var(--mat-sys-title-small);
      margin: 12px 0 4px;
    }
    .preview h3 .av-muted {
      font: var(--mat-sys-body-small);
      margin-left: 8px;
    }
    .preview-table {
      border-collapse: collapse;
      width: 100%;
      font: var(--mat-sys-body-medium);
    }
    .preview-table th,
    .preview-table td {
      text-align: left;
      padding: 4px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    .preview-table th {
      font: var(--mat-sys-title-small);
    }
    .preview-table td:first-child {
      width: 4em;
      color: var(--mat-sys-on-surface-variant);
    }
    .has-problem {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .problems {
      margin: 4px 0;
      padding-left: 20px;
    }
    .warning {
      color: var(--mat-sys-on-surface-variant);
    }
    .ok {
      display: flex;
      align-items: center;
      gap: 8px;
      color: var(--mat-sys-primary);
    }
  `,
})
export class GroupImportDialogComponent {
  private readonly api = inject(GroupsApi);
  private readonly dialogRef = inject<MatDialogRef<GroupImportDialogComponent, boolean>>(MatDialogRef);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly text = signal('');
  protected readonly fileName = signal<string | null>(null);
  protected readonly readProblem = signal(false);
  protected readonly sending = signal(false);
  protected readonly report = signal<GroupImportReport | null>(null);
  protected readonly problem = signal<ApiProblem | null>(null);

  protected readonly preview = computed(() => previewGroupsCsv(this.text()));
  protected readonly shownRows = computed(() => this.preview().rows.slice(0, PREVIEW_ROWS));
  protected readonly previewMembers = computed(() => this.preview().rows.reduce((n, r) => n + r.members.length, 0));
  protected readonly previewProblems = computed(() => this.preview().rows.reduce((n, r) => n + r.problems.length, 0));

  protected fileChosen(input: HTMLInputElement): void {
    const file = input.files?.[0];
    if (!file) return;
    this.readProblem.set(false);
    file.text().then(
      (content) => {
        this.fileName.set(file.name);
        this.setText(content);
      },
      () => this.readProblem.set(true),
    );
    // Lets the same file be chosen again after it was edited on disk.
    input.value = '';
  }

  protected textTyped(event: Event): void {
    this.fileName.set(null);
    this.setText((event.target as HTMLTextAreaElement).value);
  }

  protected lineLabel(line: number): string {
    return line > 0 ? 'groups.import.lineMessage' : 'groups.import.fileMessage';
  }

  protected submit(): void {
    this.problem.set(null);
    this.report.set(null);
    this.sending.set(true);
    this.api
      .import(this.text(), this.fileName())
      .pipe(finalize(() => this.sending.set(false)))
      .subscribe({
        next: (report) => this.showReport(report),
        error: (error: unknown) => {
          const problem = toApiProblem(error);
          if (isReport(problem.report)) this.showReport(problem.report);
          else this.problem.set(problem);
        },
      });
  }

  protected close(): void {
    this.dialogRef.close(this.report()?.imported === true);
  }

  /** The report sits below the preview, out of sight in a long file: bring it into view. */
  private showReport(report: GroupImportReport): void {
    this.report.set(report);
    afterNextRender(
      () =>
        this.host.nativeElement.querySelector('[data-testid="import-report"]')?.scrollIntoView?.({ block: 'start' }),
      { injector: this.injector },
    );
  }

  private setText(value: string): void {
    this.text.set(value);
    this.report.set(null);
    this.problem.set(null);
  }
}
