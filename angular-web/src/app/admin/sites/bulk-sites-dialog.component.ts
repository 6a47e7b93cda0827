import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormControl } from '@angular/forms';
import { MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { apiAction, textCheck } from '../../core/api-resource';
import { downloadText } from '../../core/download';
import { confirmThen } from '../../core/ui/confirm-dialog.component';
import { AdminSitesApi } from './admin-sites.api';
import { type BulkProblem, fromReport, parseBulkRefusal, reportProblems } from './bulk-problems';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { columnsOf } from '../../core/ui/table-head.component';

export const BULK_KEYS_FILE = 'avisa-claves-sitios.csv';
const PREVIEW_ROWS = 100;
const SHOWN_PROBLEMS = 200;

/** Creates many sites from a CSV of names; the CSV of keys it answers can be downloaded from here only. */
@Component({
  selector: 'av-bulk-sites-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './bulk-sites-dialog.component.html',
  styleUrl: './bulk-sites-dialog.component.scss',
})
export class BulkSitesDialogComponent {
  private readonly api = inject(AdminSitesApi);
  private readonly dialog = inject(MatDialog);
  private readonly dialogRef = inject(MatDialogRef<BulkSitesDialogComponent, number>);
  protected readonly keysFile = BULK_KEYS_FILE;

  protected readonly csv = new FormControl('', { nonNullable: true });
  private readonly text = toSignal(this.csv.valueChanges, { initialValue: '' });
  /** The server's dry run of the text: the sites it would create and each problem by line. */
  protected readonly check = textCheck(this.text, (text) => this.api.checkBulk(text));
  protected readonly rows = computed(() => this.check.current()?.value?.sites ?? []);
  protected readonly previewRows = computed(() => this.rows().slice(0, PREVIEW_ROWS));
  /** The support details' columns appear when the file gives any. */
  protected readonly withDetails = computed(() =>
    this.previewRows().some((r) => r.postalAddress || r.phone || r.region || r.tags?.length || r.notes),
  );
  protected readonly columns = computed(() => [
    { key: 'manageSites.bulk.line' },
    ...columnsOf('manageSites.columns', ['name', 'displayName']),
    ...(this.withDetails() ? columnsOf('siteInfo.fields', ['postalAddress', 'phone', 'region', 'tags', 'notes']) : []),
  ]);
  protected readonly checkedProblems = computed(() => (this.check.current()?.value?.errors ?? []).map(fromReport));
  /** The server's line report after a refusal, until the text changes. */
  private readonly serverProblems = signal<{ text: string; problems: BulkProblem[] } | null>(null);
  protected readonly refused = computed(() => this.serverProblems()?.text === this.text());
  protected readonly problems = computed(() =>
    this.refused() ? this.serverProblems()!.problems : this.checkedProblems(),
  );
  protected readonly shownProblems = computed(() => this.problems().slice(0, SHOWN_PROBLEMS));
  protected readonly badLines = computed(() => new Set(this.problems().map((p) => p.line)));

  protected readonly touched = signal(false);
  protected readonly fileName = signal<string | null>(null);
  protected readonly fileProblem = signal(false);
  protected readonly sending = apiAction();
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
    if (this.sending.busy() || this.check.pending()) return;
    this.touched.set(true);
    this.sending.problem.set(null);
    if (!this.rows().length || this.checkedProblems().length) return;
    const text = this.text();
    this.sending.run(this.api.provision(text), {
      next: (keys) => {
        // Closing by accident would lose the keys: only the close button, which asks first.
        this.dialogRef.disableClose = true;
        this.keysCsv.set(keys);
        this.created.set(this.rows().length);
      },
      problem: (problem) => {
        const lines =
          problem.status === 400 ? (reportProblems(problem.report) ?? parseBulkRefusal(problem.detail)) : null;
        if (lines) this.serverProblems.set({ text, problems: lines });
        else this.sending.problem.set(problem);
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
    const data = {
      titleKey: 'manageSites.bulk.closeTitle',
      messageKey: 'manageSites.bulk.closeMessage',
      confirmKey: 'manageSites.bulk.closeConfirm',
      danger: true,
    };
    confirmThen(this.dialog, data, () => this.dialogRef.close(this.created()));
  }
}
