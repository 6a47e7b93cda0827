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
  templateUrl: './group-import-dialog.component.html',
  styleUrl: './group-import-dialog.component.scss',
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
