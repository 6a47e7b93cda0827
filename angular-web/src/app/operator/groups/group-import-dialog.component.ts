import { NgTemplateOutlet } from '@angular/common';
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
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import type { GroupImportReport, ImportProblem } from '@avisa/contracts';
import { apiAction, textCheck } from '../../core/api-resource';
import { GroupsApi } from './groups.api';
import { previewLines } from './import-problems';
import { reportLineText } from '../../core/api-error';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { columnsOf } from '../../core/ui/table-head.component';

const PREVIEW_LINES = 200;

function isReport(value: unknown): value is GroupImportReport {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<GroupImportReport>;
  return Array.isArray(r.errors) && Array.isArray(r.warnings);
}

/** CSV import: pick or paste, look at the preview, send; shows the server's report line by line. Closes with true once something was imported. */
@Component({
  selector: 'av-group-import-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, NgTemplateOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './group-import-dialog.component.html',
  styleUrl: './group-import-dialog.component.scss',
})
export class GroupImportDialogComponent {
  private readonly api = inject(GroupsApi);
  private readonly dialogRef = inject<MatDialogRef<GroupImportDialogComponent, boolean>>(MatDialogRef);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  protected readonly columns = [{ key: 'groups.import.line' }, ...columnsOf('groups', ['name', 'members'])];
  protected readonly text = signal('');
  protected readonly fileName = signal<string | null>(null);
  protected readonly readProblem = signal(false);
  protected readonly sending = apiAction();
  protected readonly report = signal<GroupImportReport | null>(null);

  /** The server's dry run of the text: the same report an import would give, nothing imported. */
  protected readonly check = textCheck(this.text, (text) => this.api.import(text, null, true));
  protected readonly preview = computed(() => this.check.current()?.value ?? null);
  protected readonly previewLines = computed(() => {
    const preview = this.preview();
    return preview ? previewLines(preview) : [];
  });
  protected readonly shownLines = computed(() => this.previewLines().slice(0, PREVIEW_LINES));

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

  protected lineText(problem: ImportProblem): string {
    return reportLineText(problem);
  }

  protected lineLabel(line: number): string {
    return line > 0 ? 'groups.import.lineMessage' : 'groups.import.fileMessage';
  }

  protected submit(): void {
    this.report.set(null);
    this.sending.run(this.api.import(this.text(), this.fileName()), {
      next: (report) => this.showReport(report),
      problem: (problem) => {
        if (isReport(problem.report)) this.showReport(problem.report);
        else this.sending.problem.set(problem);
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
    this.sending.problem.set(null);
  }
}
